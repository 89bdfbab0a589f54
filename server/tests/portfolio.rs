//! Fellows' portfolios on SQLite and PostgreSQL. The tests cover uploads with every kind
//! of bad file, safe serving, and autosaved drafts with version conflicts. They also
//! cover the pre-submission check, idempotent submits, deadlines judged by server time
//! across time zones, and the coaching meeting after repeated not-yet decisions.

mod common;

use app::auth::Role;
use app::entities::{
    cohorts, competency_choices, microcredentials, submission_attempts, submissions,
};
use app::portfolio::SubmissionState;
use app::portfolio::submission_store::{self, SubmitRejection};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_both_backends!(
    bad_uploads_rejected_leaving_nothing,
    uploads_typed_cleaned_served_safely,
    drafts_save_with_version_checks,
    precheck_blocks_then_submit_once,
    deadlines_use_server_time_across_zones,
    coaching_required_after_third_not_yet,
);

const FELLOW: &str = "fellow@example.org";
const OTHER_FELLOW: &str = "other@example.org";
const COACH: &str = "coach@example.org";

/// A cohort in Los Angeles time with the TLI template, a fellow who chose the
/// communication competency, another fellow and a coach.
struct World {
    app: TestApp,
    cohort: i32,
    fellow: reqwest::Client,
    composer: String,
}

async fn arrange(backend: Backend, extra: &[(&'static str, String)]) -> World {
    let app = TestApp::spawn_with(backend, extra).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");

    let cohort = app.create_cohort("Portfolio").await;
    let mut model: cohorts::ActiveModel = cohorts::Entity::find_by_id(cohort)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    model.time_zone = Set("America/Los_Angeles".into());
    model.update(&app.db).await.unwrap();

    let fellow_id = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    app.create_user(OTHER_FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    app.create_user(COACH, false, &[(cohort, Role::Coach)])
        .await;

    let credential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the template has a communication micro-credential");
    competency_choices::ActiveModel {
        cohort_id: Set(cohort),
        fellow_user_id: Set(fellow_id),
        overarching_first_id: Set(Some(credential.competency_id)),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let fellow = app.signed_in_client(FELLOW).await;
    World {
        composer: format!("/cohorts/{cohort}/submissions/communication"),
        app,
        cohort,
        fellow,
    }
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc: u32 = 0xFFFF_FFFF;
    for byte in kind.iter().chain(data) {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    chunk.extend_from_slice(&(!crc).to_be_bytes());
    chunk
}

/// Builds a one-pixel PNG with a text chunk that contains a student's name.
fn png_with_text() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    png.extend(png_chunk(b"tEXt", b"Author\0Jayden Student"));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    png.extend(png_chunk(b"IEND", b""));
    png
}

fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = b"\xFF\xD8".to_vec();
    jpeg.extend_from_slice(b"\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
    jpeg.extend_from_slice(b"\xFF\xE1\x00\x0EExif\x00\x00GPS-42");
    jpeg.extend_from_slice(b"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x12\x34\x56\xFF\xD9");
    jpeg
}

/// Builds a Word document whose metadata names its author.
fn docx_with_author() -> Vec<u8> {
    use std::io::Write;
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", "<Types/>"),
        ("_rels/.rels", "<Relationships/>"),
        ("word/document.xml", "<w:document/>"),
        (
            "docProps/core.xml",
            "<cp:coreProperties><dc:creator>Ana Ruiz</dc:creator></cp:coreProperties>",
        ),
    ] {
        writer.start_file(name, options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
    buffer.into_inner()
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Title (Plan) /Author (Maria Lopez) >> endobj\n%%EOF\n";

/// Uploads `content` as `name` the way the page's script does; returns status and JSON.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    content: Vec<u8>,
) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(content).file_name(name.to_owned()),
    );
    let response = client
        .post(app.url("/evidence/upload"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

async fn bad_uploads_rejected_leaving_nothing(backend: Backend) {
    let world = arrange(
        backend,
        &[
            ("TLI_UPLOAD_MAX_MB", "1".into()),
            ("TLI_QUOTA_MB", "2".into()),
        ],
    )
    .await;
    let (app, fellow) = (&world.app, &world.fellow);
    let cases: [(&str, Vec<u8>, u16, &str); 5] = [
        (
            "lesson.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            415,
            "web page",
        ),
        (
            "photo.jpg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            415,
            "SVG",
        ),
        ("empty.pdf", Vec::new(), 400, "empty"),
        (
            "tool.pdf",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff".to_vec(),
            415,
            "does not accept",
        ),
        (
            "video.mp4",
            big_mp4(2 * 1024 * 1024),
            413,
            "larger than 1 MB",
        ),
    ];
    for (name, content, status, message) in cases {
        let (got, body) = upload(app, fellow, name, content).await;
        assert_eq!(got, status, "{name}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{name}: {error}");
    }
    // A title far longer than a title is rejected without being held.
    let form = reqwest::multipart::Form::new()
        .text("title", "t".repeat(100_000))
        .part(
            "file",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("plan.pdf"),
        );
    let response = fellow
        .post(app.url("/evidence/upload"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("far too long"));

    // The quota: of four files of 0.9 MB sent at once, two fit in 2 MB.
    let results = futures_util::future::join_all(
        (0..4u8).map(|round| upload(app, fellow, "clip.mp4", unique_mp4(900 * 1024, round))),
    )
    .await;
    let accepted = results.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(accepted, 2, "{results:?}");
    for (status, body) in results.iter().filter(|(status, _)| *status != 200) {
        assert_eq!(*status, 413, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains("2 MB of space"),
            "{body}"
        );
    }
    let used = app::portfolio::evidence_store::used_bytes(&app.db, fellow_id(app).await)
        .await
        .unwrap();
    assert!(used <= 2 * 1024 * 1024, "{used} bytes are stored");
    // Nothing of a refused upload stays in storage.
    let storage =
        app::storage::FileStorage::local(&world.app.database.dir().join("data/files")).unwrap();
    assert!(storage.unfinished_uploads().await.unwrap().is_empty());
    let blobs = count_files(&world.app.database.dir().join("data/files/blobs"));
    assert_eq!(blobs, 2, "only the two accepted files are stored");
    // Without the page's script, a refusal comes back to the library with its reason.
    let response = fellow
        .post(app.url("/evidence/upload"))
        .header("sec-fetch-site", "same-origin")
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name("empty.pdf"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/evidence?upload_error=empty"
    );
    world.app.stop().await;
}

async fn fellow_id(app: &TestApp) -> i32 {
    app::entities::users::Entity::find()
        .filter(app::entities::users::Column::Email.eq(FELLOW))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn count_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            if entry.path().is_dir() {
                count_files(&entry.path())
            } else {
                1
            }
        })
        .sum()
}

fn big_mp4(size: usize) -> Vec<u8> {
    unique_mp4(size, 0)
}

/// Content detected as MP4 video, different for each `seed`.
fn unique_mp4(size: usize, seed: u8) -> Vec<u8> {
    let mut content = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
    content.extend((0..size).map(|index| (index as u8).wrapping_mul(31).wrapping_add(seed)));
    content
}

async fn uploads_typed_cleaned_served_safely(backend: Backend) {
    let world = arrange(backend, &[]).await;
    let (app, fellow) = (&world.app, &world.fellow);
    // Folders, control characters and a direction override are dropped; Unicode stays;
    // the extension follows the content.
    let (status, body) = upload(
        app,
        fellow,
        "../../Évaluation\u{202E}gnp.exe",
        png_with_text(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let png_id = body["id"].as_i64().unwrap();
    assert_eq!(body["duplicate"], false);
    let item = app::entities::evidence_items::Entity::find_by_id(png_id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.file_name.as_deref(), Some("Évaluationgnp.png"));
    assert_eq!(item.file_mime.as_deref(), Some("image/png"));

    let response = fellow
        .get(app.url(&format!("/evidence/{png_id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%C3%89valuationgnp.png"),
        "{disposition}"
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let served = response.bytes().await.unwrap();
    assert!(
        !String::from_utf8_lossy(&served).contains("Jayden"),
        "text chunks are removed"
    );

    // The same content again keeps one copy.
    let (status, again) = upload(app, fellow, "copy.png", png_with_text()).await;
    assert_eq!(status, 200);
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["id"], png_id);

    let (status, body) = upload(app, fellow, "camera.jpeg", jpeg_with_gps()).await;
    assert_eq!(status, 200, "{body}");
    let jpeg = fellow
        .get(app.url(&format!("/evidence/{}/file", body["id"])))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&jpeg);
    assert!(
        !text.contains("Exif") && !text.contains("GPS-42"),
        "EXIF and GPS are removed"
    );

    // A PDF named .docx is a PDF; its author is kept for the name check.
    let (status, body) = upload(app, fellow, "plan.docx", PDF.to_vec()).await;
    assert_eq!(status, 200, "{body}");
    let pdf =
        app::entities::evidence_items::Entity::find_by_id(body["id"].as_i64().unwrap() as i32)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(pdf.file_mime.as_deref(), Some("application/pdf"));
    assert_eq!(pdf.file_name.as_deref(), Some("plan.pdf"));
    assert_eq!(pdf.file_author.as_deref(), Some("Maria Lopez"));

    // An office document is typed by content, flagged for a PDF copy, and its author
    // is kept for the name check.
    let (status, body) = upload(app, fellow, "reflection.bin", docx_with_author()).await;
    assert_eq!(status, 200, "{body}");
    let docx =
        app::entities::evidence_items::Entity::find_by_id(body["id"].as_i64().unwrap() as i32)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(docx.file_name.as_deref(), Some("reflection.docx"));
    assert!(docx.pdf_preferred);
    assert_eq!(docx.file_author.as_deref(), Some("Ana Ruiz"));
    let response = fellow
        .get(app.url(&format!("/evidence/{}/file", docx.id)))
        .send()
        .await
        .unwrap();
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;"),
        "office documents are downloaded: {disposition}"
    );

    // Ranges are served for media players.
    let response = fellow
        .get(app.url(&format!("/evidence/{}/file", pdf.id)))
        .header("range", "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"%PDF-1.7");

    // Another fellow cannot see it, the cohort's coach can, and a signed-out visitor
    // cannot.
    let other = app.signed_in_client(OTHER_FELLOW).await;
    let path = format!("/evidence/{png_id}/file");
    assert_eq!(
        other.get(app.url(&path)).send().await.unwrap().status(),
        404
    );
    assert_eq!(
        other
            .get(app.url(&format!("/evidence/{png_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let coach = app.signed_in_client(COACH).await;
    assert_eq!(
        coach.get(app.url(&path)).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        app.client
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Links: a missing scheme is added, a hidden destination and scripts are rejected.
    let link = app.url("/api/evidence/link");
    let added = post_form_as(
        fellow,
        &link,
        &[
            ("title", "Class site\u{202E}fdp"),
            ("url", "www.example.org/plan"),
        ],
    )
    .await;
    assert!(added.status().is_redirection() || added.status().is_success());
    let site = app::entities::evidence_items::Entity::find()
        .filter(app::entities::evidence_items::Column::Kind.eq("link"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(site.url.as_deref(), Some("https://www.example.org/plan"));
    assert_eq!(
        site.title, "Class sitefdp",
        "direction overrides are removed"
    );
    for (url, expected) in [
        (
            "https://accounts.google.com@evil.example/",
            "hides where it really goes",
        ),
        ("javascript:alert(1)", "Only web links"),
        ("not a link", "not a web address"),
    ] {
        let response = post_form_as(fellow, &link, &[("title", "Bad"), ("url", url)]).await;
        assert_eq!(response.status(), 422, "{url}");
        let text = response.text().await.unwrap();
        assert!(text.contains(expected), "{url}: {text}");
    }

    // A rejected written piece comes back with its title and text still typed.
    let long = "word ".repeat(13_000);
    let page = app
        .rejected_form_page(
            fellow,
            "/api/evidence/writing",
            "/evidence",
            &[("title", "Kept title"), ("body", &long)],
        )
        .await;
    assert!(page.contains("at most 60000"), "the reason is shown");
    assert!(page.contains("value=\"Kept title\""), "the title is kept");
    assert!(page.contains(&long[..500]), "the text is kept");

    // The library lists, searches and filters.
    let library = fellow
        .get(app.url("/evidence?type=image"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        library.contains("Évaluationgnp") && !library.contains(">plan<"),
        "{library}"
    );
    let found = fellow
        .get(app.url("/evidence?search=plan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains(">plan<"), "search finds the PDF");
    world.app.stop().await;
}

/// Saves a draft through the autosave endpoint.
async fn save(world: &World, submission: i32, base: i32, content: Value) -> reqwest::Response {
    world
        .fellow
        .post(world.app.url("/api/drafts/save"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"submission_id": submission, "base_version": base, "content": content}))
        .send()
        .await
        .expect("save a draft")
}

/// Opens the composer, which starts the submission, and returns its id.
async fn open_submission(world: &World) -> submissions::Model {
    let page = world
        .fellow
        .get(world.app.url(&world.composer))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Part 1: Overview questions"), "{html}");
    submissions::Entity::find()
        .one(&world.app.db)
        .await
        .unwrap()
        .expect("opening the composer starts the submission")
}

async fn drafts_save_with_version_checks(backend: Backend) {
    let world = arrange(backend, &[]).await;
    let submission = open_submission(&world).await;
    let first =
        json!({"answers": ["First tab text"], "artifacts": [], "reflection": "", "dismissed": []});
    let saved: Value = save(&world, submission.id, 1, first)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["Saved"]["version"], 2, "{saved}");

    // A stale tab that still thinks the draft is at version 1 gets the newer text back.
    let stale =
        json!({"answers": ["Stale tab text"], "artifacts": [], "reflection": "", "dismissed": []});
    let conflict: Value = save(&world, submission.id, 1, stale)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(conflict["Conflict"]["version"], 2, "{conflict}");
    assert_eq!(conflict["Conflict"]["fields"]["answer_0"], "First tab text");
    let stored = submissions::Entity::find_by_id(submission.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.draft_content.contains("First tab text"),
        "nothing was overwritten"
    );

    // A huge paste is refused with the limit, and the saved draft stays.
    let paste = "word ".repeat(300_000);
    let response = save(
        &world,
        submission.id,
        2,
        json!({"answers": [paste], "artifacts": [], "reflection": "", "dismissed": []}),
    )
    .await;
    assert_eq!(response.status(), 422);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("1500000 characters") && text.contains("at most 60000"),
        "{text}"
    );
    // A body over 2 MB is refused before it is read as a draft.
    let response = save(
        &world,
        submission.id,
        2,
        json!({"answers": ["x".repeat(2_200_000)], "artifacts": [], "reflection": "", "dismissed": []}),
    )
    .await;
    assert_eq!(response.status(), 413);
    let stored = submissions::Entity::find_by_id(submission.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.draft_version, 2);

    // The page without script posts the form; a stale form keeps the typed text.
    let response = post_form_as(
        &world.fellow,
        &world.app.url("/api/drafts/save-form"),
        &[
            ("submission_id", &submission.id.to_string()),
            ("base_version", "2"),
            ("fields[answer_0]", "Typed without script"),
            (
                "fields[reflection]",
                "<script>alert(1)</script><img src=x onerror=alert(2)>Reflection",
            ),
            ("then", "save"),
        ],
    )
    .await;
    assert!(
        response.status().is_redirection() || response.status().is_success(),
        "{}",
        response.status()
    );
    let stored = submissions::Entity::find_by_id(submission.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.draft_version, 3);
    assert!(stored.draft_content.contains("Typed without script"));
    let response = post_form_as(
        &world.fellow,
        &world.app.url("/api/drafts/save-form"),
        &[
            ("submission_id", &submission.id.to_string()),
            ("base_version", "2"),
            ("fields[answer_0]", "Old form"),
            ("then", "save"),
        ],
    )
    .await;
    assert_eq!(response.status(), 409);
    // A form post from version 3 whose text an autosave stored first is no conflict.
    let autosaved = json!({
        "answers": ["Same text"],
        "artifacts": [],
        "reflection": "<script>alert(1)</script>Same reflection",
        "dismissed": []
    });
    let saved: Value = save(&world, submission.id, 3, autosaved)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["Saved"]["version"], 4, "{saved}");
    let response = post_form_as(
        &world.fellow,
        &world.app.url("/api/drafts/save-form"),
        &[
            ("submission_id", &submission.id.to_string()),
            ("base_version", "3"),
            ("fields[answer_0]", "Same text"),
            (
                "fields[reflection]",
                "<script>alert(1)</script>Same reflection",
            ),
            ("then", "check"),
        ],
    )
    .await;
    assert!(
        response.status().is_redirection() || response.status().is_success(),
        "{}",
        response.status()
    );
    // The composer shows the reflection's text, escaped, never as markup.
    let page = world
        .fellow
        .get(world.app.url(&world.composer))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page.find("alert(1)").unwrap_or(0);
    assert!(
        !page.contains("<script>alert(1)"),
        "{}",
        &page[at.saturating_sub(200)..(at + 100).min(page.len())]
    );
    assert!(
        !page.contains("<script>alert(1)"),
        "the reflection is escaped in the editor"
    );

    // Another fellow cannot read or save this draft.
    let other = world.app.signed_in_client(OTHER_FELLOW).await;
    let response = other
        .post(world.app.url("/api/drafts/save"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"submission_id": submission.id, "base_version": 3, "content": {"answers": ["x"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // A fellow who did not choose the competency cannot start the submission.
    let page = other
        .get(world.app.url(&world.composer))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 409);
    world.app.stop().await;
}

/// Fills the draft so that the check passes, with evidence of accepted types.
async fn complete_draft(world: &World, submission: i32, base: i32, reflection: &str) -> i32 {
    let (_, written) = upload(
        &world.app,
        &world.fellow,
        "notes.pdf",
        b"%PDF-1.7\nclassroom notes\n%%EOF".to_vec(),
    )
    .await;
    let (_, picture) = upload(&world.app, &world.fellow, "board.png", png_with_text()).await;
    let words = "We planned the unit together and measured progress weekly. ".repeat(30);
    let content = json!({
        "answers": [words, words, words],
        "artifacts": [written["id"], picture["id"]],
        "reflection": reflection,
        "dismissed": []
    });
    let saved: Value = save(world, submission, base, content)
        .await
        .json()
        .await
        .unwrap();
    saved["Saved"]["version"].as_i64().expect("saved") as i32
}

/// Runs the pre-submission check through its endpoint.
async fn check_report(world: &World, submission: i32) -> Value {
    world
        .fellow
        .get(
            world
                .app
                .url(&format!("/api/submission/check?submission_id={submission}")),
        )
        .send()
        .await
        .expect("run the check")
        .json()
        .await
        .expect("a check report")
}

async fn submit(world: &World, submission: i32, version: i32) -> reqwest::Response {
    post_form_as(
        &world.fellow,
        &world.app.url("/api/submission/submit"),
        &[
            ("submission_id", &submission.to_string()),
            ("version", &version.to_string()),
        ],
    )
    .await
}

async fn precheck_blocks_then_submit_once(backend: Backend) {
    let world = arrange(backend, &[]).await;
    let submission = open_submission(&world).await;

    // An empty draft lists what blocks it, and submitting is refused.
    let report = check_report(&world, submission.id).await;
    let blockers: Vec<String> = report["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["message"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        blockers
            .iter()
            .any(|m| m.contains("Question 1 is not answered")),
        "{blockers:?}"
    );
    assert!(
        blockers
            .iter()
            .any(|m| m.contains("Artifact 1 has no evidence")),
        "{blockers:?}"
    );
    assert!(
        blockers
            .iter()
            .any(|m| m.contains("reflection is not written")),
        "{blockers:?}"
    );
    let refused = submit(&world, submission.id, 1).await;
    assert_eq!(refused.status(), 409);

    // A possible student name blocks until dismissed; so does the PDF author's name.
    let version = complete_draft(&world, submission.id, 1, "Jayden grew more confident.").await;
    let report: Value = check_report(&world, submission.id).await;
    let keys: Vec<&str> = report["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["name:jayden"], "{report}");
    let response = post_form_as(
        &world.fellow,
        &world.app.url("/api/submission/dismiss"),
        &[
            ("submission_id", &submission.id.to_string()),
            ("key", "name:jayden"),
        ],
    )
    .await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let report: Value = check_report(&world, submission.id).await;
    assert_eq!(report["blockers"], json!([]), "{report}");
    assert_eq!(report["dismissed"], 1);
    let version = version + 1;

    // A reflection with script saves, and is shown without it.
    let current = submissions::Entity::find_by_id(submission.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.draft_version, version);

    // Two submits of the same version make one attempt.
    let first = submit(&world, submission.id, version).await;
    assert!(
        first.status().is_redirection() || first.status().is_success(),
        "{}",
        first.text().await.unwrap()
    );
    let again = submit(&world, submission.id, version).await;
    assert!(again.status().is_redirection() || again.status().is_success());
    let (one, two) = tokio::join!(
        submission_store::submit(&world.app.db, submission.id, version, chrono::Utc::now()),
        submission_store::submit(&world.app.db, submission.id, version, chrono::Utc::now()),
    );
    assert!(!one.unwrap().unwrap().newly_submitted);
    assert!(!two.unwrap().unwrap().newly_submitted);
    let attempts = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::SubmissionId.eq(submission.id))
        .all(&world.app.db)
        .await
        .unwrap();
    assert_eq!(attempts.len(), 1);
    let stored = submissions::Entity::find_by_id(submission.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, "submitted");

    // A written piece in the submitted attempt keeps its text; its title may change.
    let piece = post_form_as(
        &world.fellow,
        &world.app.url("/api/evidence/writing"),
        &[("title", "Notes"), ("body", "Original notes")],
    )
    .await;
    assert!(piece.status().is_redirection() || piece.status().is_success());
    let piece = app::entities::evidence_items::Entity::find()
        .filter(app::entities::evidence_items::Column::Kind.eq("text"))
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    let mut attempt: submission_attempts::ActiveModel = attempts[0].clone().into();
    attempt.content =
        Set(json!({"answers": [], "artifacts": [piece.id], "reflection": ""}).to_string());
    attempt.update(&world.app.db).await.unwrap();
    let update = world.app.url("/api/evidence/update");
    let id = piece.id.to_string();
    let edited = post_form_as(
        &world.fellow,
        &update,
        &[
            ("id", &id),
            ("title", "Notes"),
            ("body", "Changed after submitting"),
        ],
    )
    .await;
    assert_eq!(edited.status(), 409);
    assert!(
        edited
            .text()
            .await
            .unwrap()
            .contains("stays as reviewers received it")
    );
    let renamed = post_form_as(
        &world.fellow,
        &update,
        &[
            ("id", &id),
            ("title", "Unit notes"),
            ("body", "Original notes"),
        ],
    )
    .await;
    assert!(renamed.status().is_redirection() || renamed.status().is_success());

    // The draft is closed while reviewers have it.
    let response = save(
        &world,
        submission.id,
        version,
        json!({"answers": ["late edit"]}),
    )
    .await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("submitted now"));

    // A stale version cannot be submitted after a not-yet, but the newest can.
    assert!(
        submission_store::decide(
            &world.app.db,
            submission.id,
            SubmissionState::NotYet,
            "Add student work."
        )
        .await
        .unwrap()
    );
    let version = complete_draft(
        &world,
        submission.id,
        version,
        "<script>alert(1)</script><img src=x onerror=alert(2)>I listened more.",
    )
    .await;
    let stale = submission_store::submit(
        &world.app.db,
        submission.id,
        version - 1,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(
        matches!(stale, Err(SubmitRejection::StaleDraft { .. })),
        "{stale:?}"
    );
    let resubmitted = submit(&world, submission.id, version).await;
    assert!(resubmitted.status().is_redirection() || resubmitted.status().is_success());
    let history = world
        .fellow
        .get(world.app.url(&format!("/submissions/{}", submission.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(history.contains("Attempt 2"));
    assert!(history.contains("Attempt 1"));
    assert!(history.contains("Add student work."), "feedback is kept");
    assert!(history.contains("I listened more."));
    assert!(
        !history.contains("<script>alert(1)") && !history.contains("<img src=x"),
        "typed markup never becomes elements"
    );
    assert!(
        history.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "typed markup is shown as the fellow wrote it"
    );
    assert!(history.contains("Resubmitted"));
    world.app.stop().await;
}

async fn deadlines_use_server_time_across_zones(backend: Backend) {
    let world = arrange(backend, &[]).await;
    let admin = world.app.admin_client().await;
    // 11:59 PM in Los Angeles on a winter day is 07:59 UTC the next day.
    let response = post_form_as(
        &admin,
        &world.app.url("/api/cohort/submission-rules"),
        &[
            ("cohort_id", &world.cohort.to_string()),
            ("due_date", "2027-01-15"),
            ("due_time", "23:59"),
            ("not_yet_before_coaching", "3"),
        ],
    )
    .await;
    assert!(
        response.status().is_redirection() || response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    let cohort = cohorts::Entity::find_by_id(world.cohort)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    let due = cohort.submissions_due_at.expect("a deadline");
    assert_eq!(due.to_rfc3339(), "2027-01-16T07:59:00+00:00");
    assert_eq!(
        cohort.submissions_due_zone.as_deref(),
        Some("America/Los_Angeles")
    );
    // Bad rules are refused and change nothing.
    for (date, time, limit, field) in [
        ("2027-02-30", "23:59", "3", "not a date"),
        ("2027-03-14", "02:30", "3", "clocks are set forward"),
        ("2027-01-15", "23:59", "eleven", "whole number"),
    ] {
        let response = post_form_as(
            &admin,
            &world.app.url("/api/cohort/submission-rules"),
            &[
                ("cohort_id", &world.cohort.to_string()),
                ("due_date", date),
                ("due_time", time),
                ("not_yet_before_coaching", limit),
            ],
        )
        .await;
        assert_eq!(response.status(), 422, "{date} {time} {limit}");
        let text = response.text().await.unwrap();
        assert!(text.to_lowercase().contains(field), "{field}: {text}");
    }

    let submission = open_submission(&world).await;
    let version = complete_draft(&world, submission.id, 1, "I grew.").await;
    // A minute after the deadline in server time: refused, and the draft is kept.
    let late = submission_store::submit(
        &world.app.db,
        submission.id,
        version,
        due + chrono::Duration::minutes(1),
    )
    .await
    .unwrap();
    assert!(
        matches!(late, Err(SubmitRejection::PastDeadline { .. })),
        "{late:?}"
    );
    let stored = submissions::Entity::find_by_id(submission.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, "draft");
    // Where the cohort accepts late work, it is accepted and marked late.
    let mut model: cohorts::ActiveModel = cohort.into();
    model.late_submissions_allowed = Set(true);
    model.update(&world.app.db).await.unwrap();
    let accepted = submission_store::submit(
        &world.app.db,
        submission.id,
        version,
        due + chrono::Duration::minutes(1),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(accepted.attempt.late);
    world.app.stop().await;
}

async fn coaching_required_after_third_not_yet(backend: Backend) {
    let world = arrange(backend, &[]).await;
    let submission = open_submission(&world).await;
    let mut version = complete_draft(&world, submission.id, 1, "I grew.").await;
    for round in 1..=3 {
        let submitted =
            submission_store::submit(&world.app.db, submission.id, version, chrono::Utc::now())
                .await
                .unwrap();
        assert!(submitted.is_ok(), "round {round}: {submitted:?}");
        assert!(
            submission_store::start_review(&world.app.db, submission.id)
                .await
                .unwrap()
        );
        assert!(
            submission_store::decide(
                &world.app.db,
                submission.id,
                SubmissionState::NotYet,
                "Not yet."
            )
            .await
            .unwrap()
        );
        version = complete_draft(
            &world,
            submission.id,
            version,
            &format!("Revision {round}."),
        )
        .await;
    }
    let blocked =
        submission_store::submit(&world.app.db, submission.id, version, chrono::Utc::now())
            .await
            .unwrap();
    assert!(
        matches!(blocked, Err(SubmitRejection::CoachingNeeded { not_yet: 3 })),
        "{blocked:?}"
    );
    let response = submit(&world, submission.id, version).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("coaching meeting"));

    // Fellows cannot record their own meeting; a date in the future is refused.
    let path = world.app.url("/api/submission/coaching");
    let id = submission.id.to_string();
    let own = post_form_as(
        &world.fellow,
        &path,
        &[("submission_id", &id), ("met_on", "2026-01-01")],
    )
    .await;
    assert_eq!(own.status(), 403);
    let coach = world.app.signed_in_client(COACH).await;
    // The coach finds the submission, marked, on the fellow's page.
    let fellow_page = coach
        .get(world.app.url(&format!(
            "/cohorts/{}/fellows/{}",
            world.cohort, submission.fellow_user_id
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        fellow_page.contains(&format!("/submissions/{}", submission.id)),
        "{fellow_page}"
    );
    assert!(fellow_page.contains("Coaching meeting due"));
    let future = post_form_as(
        &coach,
        &path,
        &[("submission_id", &id), ("met_on", "2099-01-01")],
    )
    .await;
    assert_eq!(future.status(), 422);
    let today = chrono::Utc::now().date_naive().to_string();
    let recorded = post_form_as(
        &coach,
        &path,
        &[
            ("submission_id", &id),
            ("met_on", &today),
            ("notes", "Planned the revision."),
        ],
    )
    .await;
    assert!(recorded.status().is_redirection() || recorded.status().is_success());
    let fourth =
        submission_store::submit(&world.app.db, submission.id, version, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(fourth.attempt.number, 4);
    world.app.stop().await;
}
