//! Image and animation encoders for the save and preview nodes.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

/// Quality of the JPEG previews sent over the socket, like ComfyUI's latent previews.
const PREVIEW_JPEG_QUALITY: u8 = 75;
const WEBP_CHUNK_HEADER_BYTES: usize = 8;
const RIFF_HEADER_BYTES: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("image encoding failed: {0}")]
    Image(#[from] image::ImageError),
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
    #[error("an animation needs at least one frame")]
    NoFrames,
    #[error("the WebP encoder produced no VP8L chunk")]
    WebpLayout,
}

pub fn encode_png(image: &RgbImage) -> Result<Vec<u8>, MediaError> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes).write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        ExtendedColorType::Rgb8,
    )?;
    Ok(bytes)
}

pub fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, MediaError> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut bytes), PREVIEW_JPEG_QUALITY).encode_image(image)?;
    Ok(bytes)
}

/// An APNG that loops forever, one frame per image.
pub fn encode_apng(frames: &[RgbImage], fps: f64) -> Result<Vec<u8>, MediaError> {
    let first = frames.first().ok_or(MediaError::NoFrames)?;
    let frame_count = u32::try_from(frames.len()).unwrap_or(u32::MAX);
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, first.width(), first.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_animated(frame_count, 0)?;
        encoder.set_frame_delay(1, fps_to_ticks(fps))?;
        let mut writer = encoder.write_header()?;
        for frame in frames {
            writer.write_image_data(frame.as_raw())?;
        }
        writer.finish()?;
    }
    Ok(bytes)
}

fn fps_to_ticks(fps: f64) -> u16 {
    if fps > 0.0 {
        (100.0 / fps).round().clamp(1.0, f64::from(u16::MAX)) as u16
    } else {
        100
    }
}

/// An animated WebP: each frame is encoded losslessly by `image`, then the VP8L chunks are
/// wrapped in the VP8X/ANIM/ANMF container (the WebP container spec), since no encoder on
/// crates.io without C code writes animations.
pub fn encode_animated_webp(frames: &[RgbImage], fps: f64) -> Result<Vec<u8>, MediaError> {
    let first = frames.first().ok_or(MediaError::NoFrames)?;
    let duration_ms = if fps > 0.0 {
        (1000.0 / fps).round() as u32
    } else {
        100
    };
    let (width, height) = (first.width(), first.height());
    let mut body = Vec::new();
    let mut vp8x = vec![0x02, 0, 0, 0]; // flags: animation
    vp8x.extend_from_slice(&u24(width - 1));
    vp8x.extend_from_slice(&u24(height - 1));
    push_chunk(&mut body, b"VP8X", &vp8x);
    push_chunk(&mut body, b"ANIM", &[0, 0, 0, 0, 0, 0]); // background, loop forever
    for frame in frames {
        let mut still = Vec::new();
        WebPEncoder::new_lossless(&mut still).encode(
            frame.as_raw(),
            frame.width(),
            frame.height(),
            ExtendedColorType::Rgb8,
        )?;
        let vp8l = still.get(RIFF_HEADER_BYTES..).ok_or(MediaError::WebpLayout)?;
        if vp8l.get(..4) != Some(b"VP8L".as_slice()) || vp8l.len() < WEBP_CHUNK_HEADER_BYTES {
            return Err(MediaError::WebpLayout);
        }
        let mut anmf = Vec::with_capacity(16 + vp8l.len());
        anmf.extend_from_slice(&u24(0));
        anmf.extend_from_slice(&u24(0));
        anmf.extend_from_slice(&u24(frame.width() - 1));
        anmf.extend_from_slice(&u24(frame.height() - 1));
        anmf.extend_from_slice(&u24(duration_ms));
        anmf.push(0);
        anmf.extend_from_slice(vp8l);
        push_chunk(&mut body, b"ANMF", &anmf);
    }
    let mut bytes = Vec::with_capacity(RIFF_HEADER_BYTES + body.len());
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&u32::try_from(body.len() + 4).unwrap_or(u32::MAX).to_le_bytes());
    bytes.extend_from_slice(b"WEBP");
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

fn u24(value: u32) -> [u8; 3] {
    let [a, b, c, _] = value.to_le_bytes();
    [a, b, c]
}

fn push_chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], payload: &[u8]) {
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&u32::try_from(payload.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames() -> Vec<RgbImage> {
        (0..3u8)
            .map(|shade| RgbImage::from_pixel(8, 6, image::Rgb([shade * 80, 10, 200])))
            .collect()
    }

    #[test]
    fn animated_png_decodes_with_every_frame() {
        let bytes = encode_apng(&frames(), 6.0).unwrap();
        let decoder = png::Decoder::new(Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        assert_eq!(
            reader
                .info()
                .animation_control()
                .map(|control| control.num_frames),
            Some(3)
        );
    }

    #[test]
    fn animated_webp_is_a_valid_riff_with_one_anmf_per_frame() {
        let bytes = encode_animated_webp(&frames(), 6.0).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..12], b"WEBP");
        let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        assert_eq!(declared + 8, bytes.len());
        let anmf_count = bytes.windows(4).filter(|window| *window == b"ANMF").count();
        assert_eq!(anmf_count, 3);
    }
}
