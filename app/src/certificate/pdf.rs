//! The certificate as a PDF: a landscape page set in the bundled Liberation Serif,
//! with a QR code of the verification address. The signed credential travels inside
//! the file as an embedded `credential.json`, so the verifier can check the PDF itself.

use krilla::Document;
use krilla::color::rgb;
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

const REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../fonts/LiberationSerif-Bold.ttf");
/// The name of the embedded credential.
pub const EMBEDDED_NAME: &str = "credential.json";
/// US Letter, landscape, in points.
const WIDTH: f32 = 792.0;
const HEIGHT: f32 = 612.0;
const MARGIN: f32 = 72.0;

/// Facts the certificate shows.
#[derive(Debug, Clone)]
pub struct CertificateFacts {
    pub fellow_name: String,
    pub program_name: String,
    pub cohort_name: String,
    pub awarded_on: String,
    pub achievements: Vec<String>,
    pub verification_url: String,
}

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

const INK: (u8, u8, u8) = (0x1b, 0x1f, 0x24);
const BRAND: (u8, u8, u8) = (0x1d, 0x4e, 0x89);
const GOLD: (u8, u8, u8) = (0x8a, 0x5a, 0x00);

/// Renders the certificate with `credential` (the signed JSON) embedded.
pub fn render(facts: &CertificateFacts, credential: &str) -> Result<Vec<u8>, String> {
    let regular =
        Font::new(REGULAR.to_vec().into(), 0).ok_or("the bundled regular font cannot be read")?;
    let bold = Font::new(BOLD.to_vec().into(), 0).ok_or("the bundled bold font cannot be read")?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!(
                "Leadership Certificate of Distinction: {}",
                facts.fellow_name
            ))
            .creator("TLI Hub".to_owned()),
    );
    {
        let settings = PageSettings::from_wh(WIDTH, HEIGHT).ok_or("invalid page size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();

        // A double frame.
        for (inset, width) in [(24.0, 3.0), (34.0, 1.0)] {
            let mut builder = PathBuilder::new();
            if let Some(rect) =
                Rect::from_xywh(inset, inset, WIDTH - 2.0 * inset, HEIGHT - 2.0 * inset)
            {
                builder.push_rect(rect);
            }
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(GOLD.0, GOLD.1, GOLD.2).into(),
                    width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
            }
        }
        surface.set_stroke(None);

        let line = |surface: &mut krilla::surface::Surface,
                    y: f32,
                    font: &Font,
                    size: f32,
                    color,
                    text: &str| {
            surface.set_fill(Some(fill(color)));
            surface.draw_text(
                Point::from_xy(MARGIN, y),
                font.clone(),
                size,
                text,
                false,
                TextDirection::Auto,
            );
        };
        line(
            &mut surface,
            110.0,
            &regular,
            16.0,
            BRAND,
            &facts.program_name,
        );
        line(
            &mut surface,
            160.0,
            &bold,
            34.0,
            INK,
            "Leadership Certificate of Distinction",
        );
        line(&mut surface, 205.0, &regular, 16.0, INK, "is awarded to");
        line(&mut surface, 250.0, &bold, 30.0, BRAND, &facts.fellow_name);
        line(
            &mut surface,
            290.0,
            &regular,
            14.0,
            INK,
            &format!(
                "for completing the Teacher Leadership Institute with {}",
                facts.cohort_name
            ),
        );
        let mut y = 330.0;
        for achievement in facts.achievements.iter().take(8) {
            line(
                &mut surface,
                y,
                &regular,
                12.0,
                INK,
                &format!("•  {achievement}"),
            );
            y += 18.0;
        }
        line(
            &mut surface,
            HEIGHT - 96.0,
            &regular,
            12.0,
            INK,
            &format!("Awarded {}", facts.awarded_on),
        );
        line(
            &mut surface,
            HEIGHT - 78.0,
            &regular,
            10.0,
            INK,
            &format!("Verify: {}", facts.verification_url),
        );

        // The QR code of the verification address, bottom right.
        let code = qrcode::QrCode::new(facts.verification_url.as_bytes())
            .map_err(|error| error.to_string())?;
        let modules = code.width();
        let side = 110.0;
        let cell = side / modules as f32;
        let (left, top) = (WIDTH - MARGIN - side, HEIGHT - MARGIN - side - 10.0);
        let mut builder = PathBuilder::new();
        for (index, color) in code.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (x, y) = ((index % modules) as f32, (index / modules) as f32);
                if let Some(rect) = Rect::from_xywh(left + x * cell, top + y * cell, cell, cell) {
                    builder.push_rect(rect);
                }
            }
        }
        if let Some(path) = builder.finish() {
            surface.set_fill(Some(fill(INK)));
            surface.draw_path(&path);
        }
        surface.finish();
        page.finish();
    }
    document.embed_file(EmbeddedFile {
        path: EMBEDDED_NAME.to_owned(),
        mime_type: MimeType::new("application/vc+ld+json"),
        description: Some("The signed Open Badges 3.0 credential of this certificate".to_owned()),
        association_kind: AssociationKind::Data,
        data: credential.as_bytes().to_vec().into(),
        modification_date: None,
        compress: Some(true),
        location: None,
    });
    document.finish().map_err(|error| format!("{error:?}"))
}

/// Finds the credential embedded in a PDF: the first embedded file that contains a
/// JSON object. Returns `None` when there is none, and an error when the PDF cannot be
/// read.
pub fn embedded_credential(pdf: &[u8]) -> Result<Option<String>, String> {
    let document = lopdf::Document::load_mem(pdf).map_err(|error| error.to_string())?;
    for object in document.objects.values() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        let is_embedded_file = stream
            .dict
            .get(b"Type")
            .ok()
            .and_then(|kind| kind.as_name().ok())
            .is_some_and(|name| name == b"EmbeddedFile");
        if !is_embedded_file {
            continue;
        }
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        if content.trim_ascii_start().starts_with(b"{") {
            return Ok(Some(String::from_utf8_lossy(&content).into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_pdf_carries_its_credential() {
        let facts = CertificateFacts {
            fellow_name: "Maribel Quintanilla".into(),
            program_name: "Teacher Leadership Institute".into(),
            cohort_name: "Ohio 2027".into(),
            awarded_on: "December 5, 2026".into(),
            achievements: vec!["Communication".into(), "Capstone Portfolio".into()],
            verification_url: "https://tli.example.org/credentials/abc".into(),
        };
        let credential = r#"{"@context":["x"],"name":"Certificate"}"#;
        let pdf = render(&facts, credential).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(
            embedded_credential(&pdf).unwrap().as_deref(),
            Some(credential)
        );
    }

    #[test]
    fn pdf_without_credential_or_not_pdf_is_named() {
        let mut document = Document::new();
        document
            .start_page_with(PageSettings::from_wh(100.0, 100.0).unwrap())
            .finish();
        let plain = document.finish().unwrap();
        assert_eq!(embedded_credential(&plain).unwrap(), None);
        assert!(embedded_credential(b"%PDF-1.7 broken").is_err());
    }
}
