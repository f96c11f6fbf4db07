//! Deterministic pictures for simulated model outputs: the same prompt text and seed always
//! give the same image, and different shots look different.

use std::hash::{DefaultHasher, Hash, Hasher};

use image::{Rgb, RgbImage};

pub fn mix(parts: &[u64]) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

pub fn text_key(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

fn channel(key: u64, shift: u32) -> u8 {
    u8::try_from((key >> shift) & 0xff).unwrap_or(0)
}

/// A two-colour diagonal gradient with a disc whose place follows `key` and `frame`.
pub fn picture(width: u32, height: u32, key: u64, frame: u32) -> RgbImage {
    let from = Rgb([channel(key, 0), channel(key, 8), channel(key, 16)]);
    let to = Rgb([channel(key, 24), channel(key, 32), channel(key, 40)]);
    let disc = Rgb([255 - from.0[0], 255 - from.0[1], 255 - from.0[2]]);
    let radius = f64::from(width.min(height)) / 5.0;
    let orbit = f64::from(frame) * 0.35 + f64::from(channel(key, 48)) / 40.0;
    let center_x = f64::from(width) * (0.5 + 0.3 * orbit.cos());
    let center_y = f64::from(height) * (0.5 + 0.3 * orbit.sin());
    RgbImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (f64::from(x) - center_x, f64::from(y) - center_y);
        if dx * dx + dy * dy < radius * radius {
            return disc;
        }
        let t = (f64::from(x) + f64::from(y)) / f64::from((width + height).max(1));
        let blend = |a: u8, b: u8| (f64::from(a) * (1.0 - t) + f64::from(b) * t).round() as u8;
        Rgb([
            blend(from.0[0], to.0[0]),
            blend(from.0[1], to.0[1]),
            blend(from.0[2], to.0[2]),
        ])
    })
}

/// Frame `frame` of an image-to-video clip: the init image slowly panning.
pub fn pan(init: &RgbImage, width: u32, height: u32, frame: u32) -> RgbImage {
    let scaled = image::imageops::resize(init, width, height, image::imageops::FilterType::Triangle);
    let shift = frame.saturating_mul(2) % width.max(1);
    RgbImage::from_fn(width, height, |x, y| *scaled.get_pixel((x + shift) % width, y))
}
