//! H.264 in MP4, like ComfyUI's SaveVideo (trace h_animated: `video/mp4`, h264), so headless
//! Chromium can play it: OpenH264 (its C source is bundled by the crate) encodes, `mp4` muxes.

use std::io::Cursor;

use image::RgbImage;
use mp4::{AvcConfig, FourCC, MediaConfig, Mp4Config, Mp4Sample, Mp4Writer, TrackConfig};
use openh264::encoder::{Encoder, FrameType};
use openh264::formats::{RgbSliceU8, YUVBuffer};

/// Ticks per second of the video track; frame durations are whole ticks.
const TRACK_TIMESCALE: u32 = 90_000;
const NAL_TYPE_SPS: u8 = 7;
const NAL_TYPE_PPS: u8 = 8;
const NAL_TYPE_MASK: u8 = 0x1f;

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("a video needs at least one frame")]
    NoFrames,
    #[error("H.264 encoding failed: {0}")]
    Encode(#[from] openh264::Error),
    #[error("MP4 muxing failed: {0}")]
    Mux(#[from] mp4::Error),
    #[error("the encoder produced no SPS/PPS")]
    MissingParameterSets,
}

pub fn encode_mp4(frames: &[RgbImage], fps: f64) -> Result<Vec<u8>, VideoError> {
    let first = frames.first().ok_or(VideoError::NoFrames)?;
    // YUV 4:2:0 needs even sides.
    let (width, height) = (first.width().max(2) & !1, first.height().max(2) & !1);
    let mut encoder = Encoder::new()?;
    let mut sps = None;
    let mut pps = None;
    let mut samples = Vec::with_capacity(frames.len());
    for frame in frames {
        let frame = if frame.dimensions() == (width, height) {
            frame.clone()
        } else {
            image::imageops::resize(frame, width, height, image::imageops::FilterType::Triangle)
        };
        let rgb = RgbSliceU8::new(frame.as_raw(), (width as usize, height as usize));
        let yuv = YUVBuffer::from_rgb_source(rgb);
        let bitstream = encoder.encode(&yuv)?;
        let mut sample = Vec::new();
        for layer in (0..bitstream.num_layers()).filter_map(|index| bitstream.layer(index)) {
            for nal in (0..layer.nal_count()).filter_map(|index| layer.nal_unit(index)) {
                let payload = strip_start_code(nal);
                match payload.first().map(|header| header & NAL_TYPE_MASK) {
                    Some(NAL_TYPE_SPS) => sps = Some(payload.to_vec()),
                    Some(NAL_TYPE_PPS) => pps = Some(payload.to_vec()),
                    Some(_) => {
                        sample.extend_from_slice(
                            &u32::try_from(payload.len()).unwrap_or(u32::MAX).to_be_bytes(),
                        );
                        sample.extend_from_slice(payload);
                    }
                    None => {}
                }
            }
        }
        samples.push((
            sample,
            matches!(bitstream.frame_type(), FrameType::IDR | FrameType::I),
        ));
    }
    let (Some(sps), Some(pps)) = (sps, pps) else {
        return Err(VideoError::MissingParameterSets);
    };
    mux(samples, sps, pps, width, height, fps)
}

fn mux(
    samples: Vec<(Vec<u8>, bool)>,
    sps: Vec<u8>,
    pps: Vec<u8>,
    width: u32,
    height: u32,
    fps: f64,
) -> Result<Vec<u8>, VideoError> {
    let config = Mp4Config {
        major_brand: FourCC::from(*b"isom"),
        minor_version: 512,
        compatible_brands: [*b"isom", *b"iso2", *b"avc1", *b"mp41"]
            .into_iter()
            .map(FourCC::from)
            .collect(),
        timescale: TRACK_TIMESCALE,
    };
    let mut writer = Mp4Writer::write_start(Cursor::new(Vec::new()), &config)?;
    let avc = AvcConfig {
        width: u16::try_from(width).unwrap_or(u16::MAX),
        height: u16::try_from(height).unwrap_or(u16::MAX),
        seq_param_set: sps,
        pic_param_set: pps,
    };
    let mut track = TrackConfig::from(MediaConfig::AvcConfig(avc));
    track.timescale = TRACK_TIMESCALE;
    writer.add_track(&track)?;
    let frame_ticks = if fps > 0.0 {
        (f64::from(TRACK_TIMESCALE) / fps).round() as u32
    } else {
        TRACK_TIMESCALE
    };
    let mut start_time = 0u64;
    for (bytes, is_sync) in samples.into_iter().filter(|(bytes, _)| !bytes.is_empty()) {
        let sample = Mp4Sample {
            start_time,
            duration: frame_ticks,
            rendering_offset: 0,
            is_sync,
            bytes: bytes.into(),
        };
        writer.write_sample(1, &sample)?;
        start_time += u64::from(frame_ticks);
    }
    writer.write_end()?;
    Ok(writer.into_writer().into_inner())
}

fn strip_start_code(nal: &[u8]) -> &[u8] {
    nal.strip_prefix(&[0, 0, 0, 1])
        .or_else(|| nal.strip_prefix(&[0, 0, 1]))
        .unwrap_or(nal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_video_is_an_mp4_with_one_h264_sample_per_frame() {
        let frames: Vec<RgbImage> = (0..4u8)
            .map(|shade| RgbImage::from_pixel(64, 48, image::Rgb([shade * 60, 20, 120])))
            .collect();
        let bytes = encode_mp4(&frames, 8.0).unwrap();
        let size = bytes.len() as u64;
        let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), size).unwrap();
        let track = reader.tracks().values().next().unwrap();
        assert_eq!(track.media_type().unwrap(), mp4::MediaType::H264);
        assert_eq!(track.sample_count(), 4);
        assert_eq!((track.width(), track.height()), (64, 48));
    }
}
