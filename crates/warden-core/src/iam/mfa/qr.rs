//! The QR code AWS returns with a new virtual MFA device: a PNG image of the device's
//! `otpauth://` URI, made with `qrcode` (the symbol) and `png` (the image).

use qrcode::{Color, QrCode};

use crate::ServiceError;

/// Pixels per module.
const SCALE: usize = 6;
/// Modules of white border on each side (the quiet zone the QR standard asks for).
const QUIET_ZONE: usize = 4;

/// A grayscale PNG of the QR code of `text`.
pub(super) fn png_of(text: &str) -> Result<Vec<u8>, ServiceError> {
    let internal =
        |error: &dyn std::fmt::Display| ServiceError::Internal(format!("QR code: {error}"));
    let code = QrCode::new(text.as_bytes()).map_err(|error| internal(&error))?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (index, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (row, column) = (index / modules + QUIET_ZONE, index % modules + QUIET_ZONE);
        for y in row * SCALE..(row + 1) * SCALE {
            if let Some(line) =
                pixels.get_mut(y * side + column * SCALE..y * side + (column + 1) * SCALE)
            {
                line.fill(0);
            }
        }
    }
    let side = u32::try_from(side).map_err(|error| internal(&error))?;
    let mut image = Vec::new();
    let mut encoder = png::Encoder::new(&mut image, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|error| internal(&error))?;
    writer
        .write_image_data(&pixels)
        .map_err(|error| internal(&error))?;
    writer.finish().map_err(|error| internal(&error))?;
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::png_of;

    #[test]
    fn the_image_is_a_png() {
        let image = png_of("otpauth://totp/dev@111122223333?secret=GEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(image.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]));
    }
}
