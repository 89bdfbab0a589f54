//! Baked badges: a PNG image that carries its signed credential in an `iTXt` chunk
//! with the keyword `openbadgecredential`, as Open Badges 3.0 defines.

/// Keyword of the chunk that contains the credential.
pub const KEYWORD: &str = "openbadgecredential";
/// The side of the badge image, in pixels.
const SIDE: u32 = 400;
/// The largest image the verifier decodes while looking for the chunk.
const DECODE_LIMIT_BYTES: usize = 64 * 1024 * 1024;

/// The look of a badge: its ring and face colours.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub ring: [u8; 3],
    pub face: [u8; 3],
    pub mark: [u8; 3],
}

/// The palette of micro-credential badges.
pub const MICROCREDENTIAL: Palette = Palette {
    ring: [0x0b, 0x5c, 0x6b],
    face: [0xe6, 0xf3, 0xf5],
    mark: [0x0b, 0x5c, 0x6b],
};
/// The palette of certificate badges.
pub const CERTIFICATE: Palette = Palette {
    ring: [0x8a, 0x5a, 0x00],
    face: [0xfd, 0xf3, 0xdc],
    mark: [0x8a, 0x5a, 0x00],
};

/// Failure to read a PNG as a baked badge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnbakeError {
    #[error("the file is not a PNG image that can be read: {0}")]
    NotPng(String),
    #[error("the image has no {KEYWORD} chunk, so it is not a baked Open Badges 3.0 badge")]
    NoCredential,
}

/// Draws a round badge with a check mark, in RGBA.
fn draw(palette: Palette) -> Vec<u8> {
    let centre = SIDE as f32 / 2.0;
    let outer = centre - 4.0;
    let inner = outer - 28.0;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 4) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (fx, fy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
            let distance = (fx * fx + fy * fy).sqrt();
            let colour = if distance > outer {
                None
            } else if distance > inner {
                Some(palette.ring)
            } else if on_check_mark(fx / inner, fy / inner) {
                Some(palette.mark)
            } else {
                Some(palette.face)
            };
            match colour {
                Some([r, g, b]) => pixels.extend_from_slice(&[r, g, b, 255]),
                None => pixels.extend_from_slice(&[0, 0, 0, 0]),
            }
        }
    }
    pixels
}

/// Returns whether a point, in units of the face radius from its centre, lies on the
/// check mark: two thick strokes that meet at the bottom.
fn on_check_mark(x: f32, y: f32) -> bool {
    let near = |(ax, ay): (f32, f32), (bx, by): (f32, f32)| {
        let (dx, dy) = (bx - ax, by - ay);
        let along = (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        let (px, py) = (ax + along * dx - x, ay + along * dy - y);
        (px * px + py * py).sqrt() < 0.09
    };
    let bottom = (-0.12, 0.38);
    near((-0.45, 0.02), bottom) || near(bottom, (0.5, -0.4))
}

/// Draws a badge image with `credential` (the signed JSON) baked into it.
pub fn bake(credential: &str, palette: Palette) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.add_itxt_chunk(KEYWORD.to_owned(), credential.to_owned())?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&draw(palette))?;
        writer.finish()?;
    }
    Ok(out)
}

/// Returns the credential text baked into `png_bytes`.
pub fn unbake(png_bytes: &[u8]) -> Result<String, UnbakeError> {
    let not_png = |error: png::DecodingError| UnbakeError::NotPng(error.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(png_bytes),
        png::Limits {
            bytes: DECODE_LIMIT_BYTES,
        },
    );
    decoder.set_ignore_text_chunk(false);
    let mut reader = decoder.read_info().map_err(not_png)?;
    if let Some(text) = baked_text(reader.info()) {
        return text;
    }
    // The chunk may follow the image data, so read to the end of the file.
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| UnbakeError::NotPng("the image is too large".into()))?;
    let mut buffer = vec![0; size];
    reader.next_frame(&mut buffer).map_err(not_png)?;
    reader.finish().map_err(not_png)?;
    baked_text(reader.info()).unwrap_or(Err(UnbakeError::NoCredential))
}

fn baked_text(info: &png::Info) -> Option<Result<String, UnbakeError>> {
    let chunk = info
        .utf8_text
        .iter()
        .find(|chunk| chunk.keyword == KEYWORD)?;
    Some(
        chunk
            .get_text()
            .map_err(|error| UnbakeError::NotPng(error.to_string())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bake_then_unbake_round_trips() {
        let credential = r#"{"name":"Communication — “quoted”"}"#;
        let image = bake(credential, MICROCREDENTIAL).unwrap();
        assert!(image.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(unbake(&image).unwrap(), credential);
    }

    #[test]
    fn unbake_names_missing_chunk_and_bad_png() {
        let mut plain = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut plain, 2, 2);
            encoder.set_color(png::ColorType::Rgba);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&[0; 16]).unwrap();
        }
        assert_eq!(unbake(&plain), Err(UnbakeError::NoCredential));
        assert!(matches!(unbake(b"{}"), Err(UnbakeError::NotPng(_))));
        let image = bake("{}", CERTIFICATE).unwrap();
        assert!(matches!(unbake(&image[..40]), Err(UnbakeError::NotPng(_))));
    }
}
