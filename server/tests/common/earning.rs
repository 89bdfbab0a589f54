//! Earning a micro-credential the way the product does: a submitted attempt, a
//! reviewer's passing scores saved and finalized through the server, and the
//! credential that the release records and signs.

use app::entities::{credentials, microcredentials};
use app::portfolio::{DraftContent, submission_store};
use app::review::store as review_store;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{TestApp, post_form_as};

/// Submits `artifacts` for the communication micro-credential as `fellow`, has
/// `reviewer` score every criterion at its passing level and finalize, and returns
/// the credential the release recorded.
pub async fn earn_communication(
    app: &TestApp,
    cohort: i32,
    fellow: i32,
    reviewer: (i32, &str),
    facilitator: i32,
    artifacts: Vec<Option<i32>>,
) -> credentials::Model {
    let db = &app.db;
    let microcredential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(db)
        .await
        .unwrap()
        .expect("the template has a communication micro-credential");
    let submission = submission_store::open(db, cohort, fellow, microcredential.id)
        .await
        .unwrap();
    let content = DraftContent {
        answers: vec!["We planned the message together.".into()],
        artifacts,
        reflection: "I learned to name my audience.".into(),
        dismissed: vec![],
    };
    let version =
        match submission_store::save_draft(db, submission.id, submission.draft_version, &content)
            .await
            .unwrap()
        {
            submission_store::Saved::Stored { version, .. } => version,
            other => panic!("the draft did not save: {other:?}"),
        };
    let attempt = submission_store::submit(db, submission.id, version, chrono::Utc::now())
        .await
        .unwrap()
        .expect("the draft submits")
        .attempt;
    let review = review_store::assign(db, attempt.id, reviewer.0, facilitator)
        .await
        .unwrap();
    let definition = review_store::definition_of(db, attempt.microcredential_version_id)
        .await
        .unwrap();
    let mut fields = serde_json::Map::new();
    for (part, index, key) in app::review::content::criteria(&definition.rubric) {
        let passing = part.criteria(&definition.rubric)[index]
            .passing_level
            .clone();
        fields.insert(format!("level_{key}"), json!(passing));
    }
    let client = app.signed_in_client(reviewer.1).await;
    let saved = client
        .post(app.url("/api/reviews/save"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"review_id": review.id, "base_version": 1, "fields": fields}))
        .send()
        .await
        .unwrap();
    assert!(
        saved.status().is_success(),
        "{}",
        saved.text().await.unwrap()
    );
    let finalized = post_form_as(
        &client,
        &app.url("/api/reviews/finalize"),
        &[("review_id", &review.id.to_string()), ("version", "2")],
    )
    .await;
    let status = finalized.status();
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {}",
        finalized.text().await.unwrap()
    );
    credentials::Entity::find()
        .filter(credentials::Column::AttemptId.eq(attempt.id))
        .one(db)
        .await
        .unwrap()
        .expect("earning records a credential")
}
