//! Open Badges credentials on SQLite and PostgreSQL. A decision that earns a
//! micro-credential issues a signed credential that validates against the official
//! schema, and the JSON, the baked badge and the verifier agree. Each kind of bad
//! input fails with its own reason. Revocation reaches the verifier and the status
//! list, and keys rotate without breaking what the old key signed.

mod common;

use app::auth::Role;
use app::credentials::keys::KeyRing;
use app::credentials::{baking, proof, schema, status};
use app::entities::credentials;
use app::portfolio::EvidenceKind;
use app::portfolio::evidence_store::{self, NewEvidence};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_both_backends!(
    earned_credential_verifies_until_revoked,
    bad_credentials_fail_with_their_own_reasons,
    fellow_choices_reissue_and_keys_rotate,
    capstone_review_leads_to_certificate,
);

const FELLOW: &str = "fellow@district.example";
const REVIEWER: &str = "reviewer@example.org";
const FACILITATOR: &str = "facilitator@example.org";
const OTHER_FACILITATOR: &str = "elsewhere@example.org";
const COACH: &str = "coach@example.org";
const CLASSMATE: &str = "classmate@district.example";

struct World {
    app: TestApp,
    cohort: i32,
    evidence: i32,
    credential: credentials::Model,
}

/// Arranges a fellow with a piece of evidence who earns the communication
/// micro-credential. The reviewer finalizes through the server, which issues it.
async fn arrange(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Fellows").await;
    let staff = app.create_cohort("Reviewers").await;
    let other = app.create_cohort("Elsewhere").await;
    let fellow = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    let reviewer = app
        .create_user(REVIEWER, false, &[(staff, Role::Reviewer)])
        .await;
    let facilitator = app
        .create_user(
            FACILITATOR,
            false,
            &[(cohort, Role::Facilitator), (staff, Role::Facilitator)],
        )
        .await;
    app.create_user(OTHER_FACILITATOR, false, &[(other, Role::Facilitator)])
        .await;
    app.create_user(COACH, false, &[(cohort, Role::Coach)])
        .await;
    app.create_user(CLASSMATE, false, &[(cohort, Role::Fellow)])
        .await;
    let evidence = evidence_store::insert(
        &app.db,
        NewEvidence {
            owner: fellow,
            kind: EvidenceKind::Link,
            title: "Family newsletter plan".into(),
            description: "The plan our team wrote for families.".into(),
            file: None,
            url: Some("https://example.org/newsletter".into()),
            body: None,
        },
    )
    .await
    .unwrap();

    let credential = common::earning::earn_communication(
        &app,
        cohort,
        fellow,
        (reviewer, REVIEWER),
        facilitator,
        vec![Some(evidence.id)],
    )
    .await;
    World {
        app,
        cohort,
        evidence: evidence.id,
        credential,
    }
}

/// Checks that a form post was accepted: a redirect or a success.
async fn assert_accepted(response: reqwest::Response) {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {text}"
    );
}

fn document_of(credential: &credentials::Model) -> Value {
    let text = credential
        .document
        .as_deref()
        .expect("the credential was signed at once");
    serde_json::from_str(text).unwrap()
}

async fn reload(world: &World) -> credentials::Model {
    credentials::Entity::find_by_id(world.credential.id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap()
}

fn assert_schema_valid(document: &Value) {
    let problems = schema::problems(document, 20);
    assert!(
        problems.is_empty(),
        "schema problems: {problems:?}\n{document:#}"
    );
}

/// Posts `body` to the JSON verifier and returns the status and the report.
async fn verify(app: &TestApp, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/verify.json"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Returns the reason the report's `check` step failed, and panics when it passed.
fn failure(report: &Value, check: &str) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry[0] == check)
        .and_then(|entry| entry[1]["Failed"].as_str())
        .unwrap_or_else(|| panic!("{check} did not fail: {report:#}"))
        .to_owned()
}

/// Verifies `document` and checks that step `check` failed with a reason that
/// contains `expected`. Returns the report.
async fn assert_fails(app: &TestApp, document: &Value, check: &str, expected: &str) -> Value {
    let (status, report) = verify(app, document.to_string().into_bytes()).await;
    assert_eq!(status, 422, "{report:#}");
    let reason = failure(&report, check);
    assert!(reason.contains(expected), "{check}: {reason}");
    report
}

fn key_ring(app: &TestApp) -> KeyRing {
    KeyRing::new(app.database.dir().join("data").join("keys"))
}

async fn earned_credential_verifies_until_revoked(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let document = document_of(&world.credential);
    assert_schema_valid(&document);
    let subject = &document["credentialSubject"];
    assert_eq!(subject["achievement"]["achievementType"], "MicroCredential");
    assert_eq!(subject["identifier"][0]["identityType"], "emailAddress");
    let salt = subject["identifier"][0]["salt"].as_str().unwrap();
    assert_eq!(
        subject["identifier"][0]["identityHash"],
        app::credentials::document::email_hash(FELLOW, salt)
    );
    let results = subject["result"].as_array().unwrap();
    assert_eq!(
        results.len(),
        subject["achievement"]["resultDescription"]
            .as_array()
            .unwrap()
            .len()
    );
    assert!(
        document.get("evidence").is_none(),
        "evidence is private until the fellow shares it"
    );

    // The JSON, by its own address and by content negotiation, is the stored document.
    let public_id = &world.credential.public_id;
    let by_file: Value = app
        .get(&format!("/credentials/{public_id}/credential.json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_file, document);
    let negotiated = app
        .client
        .get(app.url(&format!("/credentials/{public_id}")))
        .header("accept", "application/vc+ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        negotiated.headers()["content-type"],
        "application/vc+ld+json"
    );
    assert_eq!(negotiated.json::<Value>().await.unwrap(), document);
    let page = app
        .get(&format!("/credentials/{public_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Issued") && page.contains("linkedin.com/profile/add"),
        "{page}"
    );

    // The badge carries the same credential, and both verify.
    let badge = app
        .get(&format!("/credentials/{public_id}/badge.png"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&baking::unbake(&badge).unwrap()).unwrap(),
        document
    );
    let (status, report) = verify(app, document.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");
    let (status, report) = verify(app, badge.to_vec()).await;
    assert_eq!(status, 200, "{report:#}");

    // The issuer profile publishes the key the proof names.
    let issuer = document["issuer"]["id"].as_str().unwrap();
    let profile: Value = app
        .get(issuer.strip_prefix(&app.base_url).unwrap())
        .await
        .json()
        .await
        .unwrap();
    let method = document["proof"][0]["verificationMethod"].as_str().unwrap();
    assert_eq!(profile["verificationMethod"][0]["id"], method);

    // Only the cohort's facilitators may revoke, and only with a reason.
    let outsider = app.signed_in_client(OTHER_FACILITATOR).await;
    let fellow = app.signed_in_client(FELLOW).await;
    for client in [&outsider, &fellow] {
        let response = post_form_as(
            client,
            &app.url("/api/credentials/revoke"),
            &[("public_id", public_id), ("reason", "Plagiarized")],
        )
        .await;
        assert_eq!(response.status(), 403);
    }
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let response = post_form_as(
        &facilitator,
        &app.url("/api/credentials/revoke"),
        &[("public_id", public_id), ("reason", "  ")],
    )
    .await;
    assert_eq!(response.status(), 422);
    assert!(reload(&world).await.revoked_at.is_none());
    let response = post_form_as(
        &facilitator,
        &app.url("/api/credentials/revoke"),
        &[
            ("public_id", public_id),
            ("reason", "The artifact was copied from another district."),
        ],
    )
    .await;
    assert_accepted(response).await;

    let (status, report) = verify(app, badge.to_vec()).await;
    assert_eq!(status, 422);
    assert!(
        failure(&report, "Status").contains("copied from another district"),
        "{report:#}"
    );

    // The status list has this credential's bit set and is signed by the same key.
    let entry = &document["credentialStatus"];
    let list_url = entry["statusListCredential"].as_str().unwrap();
    let list = app
        .get(list_url.strip_prefix(&app.base_url).unwrap())
        .await
        .text()
        .await
        .unwrap();
    let list: Value = serde_json::from_str(&list).unwrap_or_else(|_| panic!("{list_url}: {list}"));
    let bit: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
    assert_eq!(status::is_set(encoded, bit), Some(true));
    assert_eq!(status::is_set(encoded, bit + 1), Some(false));
    let key = proof::key_from_multibase(method.split_once('#').unwrap().1).unwrap();
    proof::verify(&list, &key).expect("the status list is signed by the issuer");

    let page = app
        .get(&format!("/credentials/{public_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Revoked"), "{page}");
    world.app.stop().await;
}

async fn bad_credentials_fail_with_their_own_reasons(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let document = document_of(&world.credential);
    let key = key_ring(app).active(&app.db).await.unwrap();
    let method = document["proof"][0]["verificationMethod"]
        .as_str()
        .unwrap()
        .to_owned();
    let resign = |unsigned: &Value, signer: &ed25519_dalek::SigningKey, method: &str| {
        let mut unsigned = unsigned.clone();
        unsigned.as_object_mut().unwrap().remove("proof");
        proof::sign(&unsigned, signer, method, "2026-01-01T00:00:00Z").unwrap()
    };

    let mut changed = document.clone();
    changed["credentialSubject"]["achievement"]["name"] = json!("Every competency");
    assert_fails(app, &changed, "Signature", "changed after it was signed").await;

    let stranger = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let foreign = resign(&document, &stranger, &method);
    assert_fails(app, &foreign, "Signature", "another key signed it").await;
    let unpublished = format!(
        "{}#{}",
        document["issuer"]["id"].as_str().unwrap(),
        proof::public_key_multibase(&stranger.verifying_key())
    );
    let unpublished = resign(&document, &stranger, &unpublished);
    assert_fails(app, &unpublished, "Issuer", "never published").await;

    let mut unknown_context = document.clone();
    unknown_context["@context"][1] = json!("https://example.com/badges/v9.json");
    assert_fails(
        app,
        &unknown_context,
        "Signature",
        "https://example.com/badges/v9.json",
    )
    .await;

    let mut expired = document.clone();
    expired["validUntil"] = json!("2020-01-01T00:00:00Z");
    let expired = resign(&expired, &key.key, &method);
    let report = assert_fails(app, &expired, "Dates", "expired on January 1, 2020").await;
    assert_eq!(
        report["checks"][3][1], "Passed",
        "the re-signed credential's proof holds: {report:#}"
    );

    let (_, report) = verify(app, b"this is not json".to_vec()).await;
    assert!(
        failure(&report, "Format").contains("not JSON"),
        "{report:#}"
    );
    let empty_badge = baking::bake("{}", baking::MICROCREDENTIAL).unwrap();
    let (_, report) = verify(app, empty_badge).await;
    assert!(
        failure(&report, "Format").contains("has no proof"),
        "{report:#}"
    );

    // A 50 MB upload through the page's form is rejected by size, and the page shows why.
    let visitor = common::cookie_client();
    let huge = vec![b'a'; 50 * 1024 * 1024];
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(huge).file_name("huge.png"),
        )
        .text("credential", "");
    let response = visitor
        .post(app.url("/verify"))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let page = visitor
        .get(app.url("/verify"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("The file is 50.0 MB"), "{page}");

    // The server still responds and the credential still verifies.
    let (status, report) = verify(app, document.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");
    world.app.stop().await;
}

async fn fellow_choices_reissue_and_keys_rotate(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let public_id = world.credential.public_id.clone();
    let before = document_of(&world.credential);
    let fellow = app.signed_in_client(FELLOW).await;
    let choose = |fields: Vec<(&'static str, String)>| {
        let fellow = fellow.clone();
        let url = app.url("/api/credentials/choices");
        let public_id = public_id.clone();
        async move {
            let mut all = vec![("public_id", public_id)];
            all.extend(fields);
            let borrowed: Vec<(&str, &str)> = all
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            post_form_as(&fellow, &url, &borrowed).await
        }
    };

    let response = choose(vec![
        ("recipient", "url".into()),
        ("recipient_url", "not an address".into()),
    ])
    .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("starting with https://")
    );
    let response = choose(vec![
        ("recipient", "email".into()),
        ("evidence[0]", "999999".into()),
    ])
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        reload(&world).await.document,
        world.credential.document,
        "nothing changed"
    );

    let other = app.signed_in_client(FACILITATOR).await;
    let response = post_form_as(
        &other,
        &app.url("/api/credentials/choices"),
        &[("public_id", &public_id), ("recipient", "email")],
    )
    .await;
    assert_eq!(response.status(), 403);

    let response = choose(vec![
        ("recipient", "url".into()),
        (
            "recipient_url",
            "https://school.example.org/staff/fellow".into(),
        ),
        ("evidence[0]", world.evidence.to_string()),
    ])
    .await;
    assert_accepted(response).await;
    let after = document_of(&reload(&world).await);
    assert_schema_valid(&after);
    assert_eq!(
        after["credentialSubject"]["id"],
        "https://school.example.org/staff/fellow"
    );
    assert!(after["credentialSubject"].get("identifier").is_none());
    assert_eq!(after["evidence"][0]["name"], "Family newsletter plan");
    assert_eq!(
        after["id"], before["id"],
        "the credential keeps its address"
    );
    let (status, report) = verify(app, after.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");

    // After rotation, both keys are published: the earlier signature still verifies
    // and new signatures use the new key.
    let old_method = before["proof"][0]["verificationMethod"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotated = key_ring(app).rotate(&app.db).await.unwrap();
    let (status, report) = verify(app, before.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");
    let response = choose(vec![("recipient", "email".into())]).await;
    assert_accepted(response).await;
    let resigned = document_of(&reload(&world).await);
    let new_method = resigned["proof"][0]["verificationMethod"].as_str().unwrap();
    assert!(new_method.ends_with(&rotated.multibase), "{new_method}");
    assert_ne!(new_method, old_method);
    let profile: Value = app
        .get(&format!("/issuers/{}", program_of(&world).await))
        .await
        .json()
        .await
        .unwrap();
    let published: Vec<&str> = profile["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .map(|method| method["id"].as_str().unwrap())
        .collect();
    assert_eq!(published, vec![new_method, old_method.as_str()]);
    let (status, report) = verify(app, resigned.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");
    world.app.stop().await;
}

async fn program_of(world: &World) -> i32 {
    app::entities::cohorts::Entity::find_by_id(world.cohort)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap()
        .program_id
}

/// Posts a form and returns the status with the body.
async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let response = post_form_as(client, &app.url(path), fields).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn get_json_as(client: &reqwest::Client, app: &TestApp, path: &str) -> Value {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: {status}: {text}"))
}

async fn capstone_review_leads_to_certificate(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let cohort = world.cohort.to_string();
    let fellow = app.signed_in_client(FELLOW).await;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let coach = app.signed_in_client(COACH).await;

    // The rule requires the one overarching micro-credential earned and the capstone.
    let rule = [
        ("cohort_id", cohort.as_str()),
        ("overarching", "1"),
        ("pathway", "0"),
        ("decc", "0"),
        ("capstone_reviewed", "on"),
    ];
    let (status, _) = post(&fellow, app, "/api/certificates/rule", &rule).await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &facilitator,
        app,
        "/api/certificates/rule",
        &[
            ("cohort_id", &cohort),
            ("overarching", "two"),
            ("pathway", "0"),
            ("decc", "0"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("must be a whole number"), "{body}");
    let (status, body) = post(&facilitator, app, "/api/certificates/rule", &rule).await;
    assert!(status < 400, "{body}");

    let fellow_id = app.user_id(FELLOW).await;
    let approve = [
        ("cohort_id", cohort.as_str()),
        ("fellow_id", &fellow_id.to_string()),
    ];
    let approve: Vec<(&str, &str)> = approve
        .iter()
        .map(|(name, value)| (*name, value.as_ref()))
        .collect();
    let (status, body) = post(&facilitator, app, "/api/certificates/approve", &approve).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("a reviewed Capstone Portfolio"), "{body}");

    // The capstone: submitting early names what is missing, and bad input is rejected.
    let view = get_json_as(
        &fellow,
        app,
        &format!("/api/capstone/get?cohort_id={cohort}"),
    )
    .await;
    assert_eq!(view["state"], "Draft");
    let (status, body) = post(
        &fellow,
        app,
        "/api/capstone/submit",
        &[("cohort_id", &cohort), ("version", "0")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body.contains("Give the project a title.") && body.contains("term 2"),
        "{body}"
    );
    let pathway = view["pathways"][0]["id"]
        .as_i64()
        .expect("the template has pathways")
        .to_string();
    let classmate = app.user_id(CLASSMATE).await.to_string();
    let evidence = world.evidence.to_string();
    let save = |pathway: String, collaborator: String, evidence: String| {
        vec![
            ("cohort_id", cohort.clone()),
            ("version", "0".to_owned()),
            ("title", "Family literacy nights".to_owned()),
            ("challenge", "Few families join school events.".to_owned()),
            ("pathway", pathway),
            ("collaborators[0]", collaborator),
            ("evidence[0]", evidence),
            (
                "reflection",
                "My communication moved from Developing to Performing.".to_owned(),
            ),
        ]
    };
    for (fields, field) in [
        (
            save("999999".into(), classmate.clone(), evidence.clone()),
            "pathway",
        ),
        (
            save(pathway.clone(), fellow_id.to_string(), evidence.clone()),
            "collaborators",
        ),
        (
            save(pathway.clone(), classmate.clone(), "999999".into()),
            "evidence",
        ),
    ] {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let (status, body) = post(&fellow, app, "/api/capstone/save", &borrowed).await;
        assert_eq!(status, 422, "{field}: {body}");
        assert!(body.contains(field), "{field}: {body}");
    }
    let fields = save(pathway.clone(), classmate.clone(), evidence.clone());
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let (status, body) = post(&fellow, app, "/api/capstone/save", &borrowed).await;
    assert!(status < 400, "{body}");
    let (status, body) = post(
        &fellow,
        app,
        "/api/capstone/milestone/add",
        &[
            ("cohort_id", &cohort),
            ("term_position", "1"),
            ("title", "Survey families"),
            ("due_on", "March 3"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("is not a date"), "{body}");
    for (term, title) in [("1", "Survey families"), ("2", "Host the first night")] {
        let (status, body) = post(
            &fellow,
            app,
            "/api/capstone/milestone/add",
            &[
                ("cohort_id", &cohort),
                ("term_position", term),
                ("title", title),
                ("due_on", "2027-03-03"),
            ],
        )
        .await;
        assert!(status < 400, "{body}");
    }
    let view = get_json_as(
        &fellow,
        app,
        &format!("/api/capstone/get?cohort_id={cohort}"),
    )
    .await;
    assert_eq!(view["milestones"].as_array().unwrap().len(), 2);
    let version = view["version"].to_string();
    let (status, body) = post(
        &fellow,
        app,
        "/api/capstone/submit",
        &[("cohort_id", &cohort), ("version", &version)],
    )
    .await;
    assert!(status < 400, "{body}");
    let (status, body) = post(&fellow, app, "/api/capstone/save", &borrowed).await;
    assert_eq!(status, 409, "a submitted capstone is locked: {body}");

    // Only the cohort's coaches and facilitators review it.
    let outsider = app.signed_in_client(OTHER_FACILITATOR).await;
    let feedback = [
        ("cohort_id", cohort.as_str()),
        ("fellow_id", &fellow_id.to_string()),
        ("feedback", "Strong plan; name your audience."),
    ];
    let feedback: Vec<(&str, &str)> = feedback
        .iter()
        .map(|(name, value)| (*name, value.as_ref()))
        .collect();
    let (status, _) = post(&outsider, app, "/api/capstone/feedback", &feedback).await;
    assert_eq!(status, 403);
    // A coach reviews only the fellows paired with them.
    let unpaired = get_json_as(
        &coach,
        app,
        &format!("/api/capstone/list?cohort_id={cohort}"),
    )
    .await;
    assert_eq!(unpaired, json!([]), "an unpaired coach lists no capstones");
    let (status, _) = post(&coach, app, "/api/capstone/feedback", &feedback).await;
    assert_eq!(status, 404, "an unpaired coach cannot give feedback");
    {
        use sea_orm::ActiveModelTrait;
        app::entities::coaching_pairs::ActiveModel {
            cohort_id: sea_orm::ActiveValue::Set(world.cohort),
            coach_user_id: sea_orm::ActiveValue::Set(app.user_id(COACH).await),
            fellow_user_id: sea_orm::ActiveValue::Set(fellow_id),
            created_at: sea_orm::ActiveValue::Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let listed = get_json_as(
        &coach,
        app,
        &format!("/api/capstone/list?cohort_id={cohort}"),
    )
    .await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|row| row["state"] == "Submitted"),
        "{listed}"
    );
    let (status, body) = post(&coach, app, "/api/capstone/feedback", &feedback).await;
    assert!(status < 400, "{body}");
    let (status, _) = post(&coach, app, "/api/capstone/feedback", &feedback).await;
    assert_eq!(status, 409, "feedback is given once per submission");
    let view = get_json_as(
        &fellow,
        app,
        &format!("/api/capstone/get?cohort_id={cohort}"),
    )
    .await;
    assert_eq!(view["state"], "Reviewed");
    assert_eq!(view["feedback"], "Strong plan; name your audience.");

    // Approval issues the certificate: it validates, verifies, and so does its PDF.
    let (status, _) = post(&coach, app, "/api/certificates/approve", &approve).await;
    assert_eq!(status, 403);
    let (status, body) = post(&facilitator, app, "/api/certificates/approve", &approve).await;
    assert!(status < 400, "{body}");
    let (status, _) = post(&facilitator, app, "/api/certificates/approve", &approve).await;
    assert_eq!(status, 409, "one certificate per fellow");
    let certificate = credentials::Entity::find()
        .filter(credentials::Column::Kind.eq("certificate"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("approval records a certificate");
    let document = document_of(&certificate);
    assert_schema_valid(&document);
    assert_eq!(
        document["credentialSubject"]["achievement"]["achievementType"],
        "Certificate"
    );
    let (status, report) = verify(app, document.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");
    let pdf = app
        .get(&format!(
            "/credentials/{}/certificate.pdf",
            certificate.public_id
        ))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let (status, report) = verify(app, pdf.to_vec()).await;
    assert_eq!(status, 200, "{report:#}");

    // The learner record bundles both credentials under the program and its terms.
    let (status, _) = {
        let response = facilitator
            .get(app.url(&format!("/cohorts/{cohort}/clr.json")))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), ())
    };
    assert_eq!(status, 403);
    let clr = get_json_as(&fellow, app, &format!("/cohorts/{cohort}/clr.json")).await;
    assert_eq!(clr["type"][1], "ClrCredential");
    let subject = &clr["credentialSubject"];
    assert_eq!(subject["verifiableCredential"].as_array().unwrap().len(), 2);
    let associations = subject["association"].as_array().unwrap();
    let program = associations[0]["sourceId"].as_str().unwrap();
    let term_one = associations[0]["targetId"].as_str().unwrap();
    let microcredential =
        document_of(&world.credential)["credentialSubject"]["achievement"]["id"].clone();
    assert!(
        associations
            .iter()
            .any(|link| link["sourceId"] == term_one && link["targetId"] == microcredential),
        "{clr:#}"
    );
    assert!(
        associations.iter().any(|link| link["sourceId"] == program
            && link["targetId"]
                .as_str()
                .unwrap()
                .ends_with("capstone-portfolio")),
        "{clr:#}"
    );
    let (status, report) = verify(app, clr.to_string().into_bytes()).await;
    assert_eq!(status, 200, "{report:#}");

    // Revoking a bundled credential makes the record fail, naming the credential.
    let (status, body) = post(
        &facilitator,
        app,
        "/api/credentials/revoke",
        &[
            ("public_id", &world.credential.public_id),
            ("reason", "Copied work"),
        ],
    )
    .await;
    assert!(status < 400, "{body}");
    let report = assert_fails(app, &clr, "Bundled", "revoked").await;
    assert!(report.to_string().contains("Copied work"), "{report:#}");
    world.app.stop().await;
}

/// Times issuing (signing, schema check and storing), verifying and certificate PDF
/// rendering. Each is compared with a baseline from the same run: a bare Ed25519
/// signature over the same JSON, and baking the same credential into the PNG badge.
/// Prints Markdown table rows for BENCHMARKS.md.
async fn throughput(backend: Backend) {
    const ROUNDS: usize = 100;
    let world = arrange(backend).await;
    let app = &world.app;
    let issuer = app::credentials::store::Issuer {
        keys: key_ring(app),
        base_url: app.base_url.clone(),
    };
    let per_second =
        |elapsed: std::time::Duration, count: usize| count as f64 / elapsed.as_secs_f64();

    let started = std::time::Instant::now();
    for _ in 0..ROUNDS {
        app::credentials::store::reissue(&app.db, world.credential.id)
            .await
            .unwrap();
        let issued = app::credentials::store::issue_pending(&app.db, &issuer)
            .await
            .unwrap();
        assert_eq!(issued, 1);
    }
    let issuing = per_second(started.elapsed(), ROUNDS);
    let document = document_of(&reload(&world).await);
    let bytes = document.to_string();
    let key = issuer.keys.active(&app.db).await.unwrap();
    let started = std::time::Instant::now();
    for _ in 0..ROUNDS {
        use ed25519_dalek::Signer;
        std::hint::black_box(key.key.sign(bytes.as_bytes()));
    }
    let bare_signing = per_second(started.elapsed(), ROUNDS);

    let started = std::time::Instant::now();
    for _ in 0..ROUNDS {
        let report = app::credentials::verify::check(
            &app.db,
            &app.base_url,
            bytes.as_bytes(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert!(report.valid());
    }
    let verifying = per_second(started.elapsed(), ROUNDS);

    let facts = app::certificate::pdf::CertificateFacts {
        fellow_name: "Maribel Quintanilla".into(),
        program_name: "Teacher Leadership Institute".into(),
        cohort_name: "Ohio 2027".into(),
        awarded_on: "December 5, 2026".into(),
        achievements: vec!["Micro-credential: Communication".into(); 4],
        verification_url: document["id"].as_str().unwrap().to_owned(),
    };
    const DOCUMENTS: usize = 20;
    let started = std::time::Instant::now();
    for _ in 0..DOCUMENTS {
        std::hint::black_box(app::certificate::pdf::render(&facts, &bytes).unwrap());
    }
    let pdf = started.elapsed() / DOCUMENTS as u32;
    let started = std::time::Instant::now();
    for _ in 0..DOCUMENTS {
        std::hint::black_box(baking::bake(&bytes, baking::MICROCREDENTIAL).unwrap());
    }
    let png = started.elapsed() / DOCUMENTS as u32;

    let database = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!(
        "| {database} | issue (sign, schema check, store) | {issuing:.0} credentials/s | bare Ed25519 signature: {bare_signing:.0}/s | {:.4} |",
        issuing / bare_signing
    );
    println!(
        "| {database} | verify (schema, key, proof, status, dates) | {verifying:.0} credentials/s | bare Ed25519 signature: {bare_signing:.0}/s | {:.4} |",
        verifying / bare_signing
    );
    println!(
        "| {database} | certificate PDF | {:.1} ms per document | badge PNG: {:.1} ms | {:.2} |",
        pdf.as_secs_f64() * 1000.0,
        png.as_secs_f64() * 1000.0,
        pdf.as_secs_f64() / png.as_secs_f64()
    );
    world.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn credential_throughput_sqlite() {
    throughput(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn credential_throughput_postgres() {
    throughput(Backend::Postgres).await;
}
