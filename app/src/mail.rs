//! Outgoing email. Every message is written to the outbox table, which administrators
//! can read in the app; when SMTP is configured it is also delivered. Server only.

use chrono::Utc;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};

use crate::entities::outbox;

/// Sender and SMTP settings for outgoing mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// Sender shown to recipients, such as `TLI Hub <no-reply@tli.example.org>`.
    pub from: String,
    /// `smtp://`, `smtps://` or `smtp://…?tls=required` URL in lettre's format; `None`
    /// keeps mail in the outbox only.
    pub smtp_url: Option<String>,
}

/// Mail settings and the address that links in messages start with.
pub struct Notifier<'a> {
    pub settings: &'a MailSettings,
    /// The address people use to reach TLI Hub, without a trailing slash.
    pub public_url: &'a str,
}

impl<'a> Notifier<'a> {
    /// Takes the mail settings and public address from the server's state.
    pub fn of(state: &'a crate::context::AppState) -> Notifier<'a> {
        Notifier {
            settings: &state.mail,
            public_url: &state.public_url,
        }
    }
}

/// Stores a message in the outbox and, with SMTP configured, sends it in the
/// background so that the request does not wait on the mail server.
///
/// Without SMTP the outbox is the only delivery channel, so it keeps the message whole.
/// With SMTP the stored copy has its link tokens removed, so that a reader of the outbox
/// cannot use a link meant for someone else.
pub async fn send(
    db: &DatabaseConnection,
    settings: &MailSettings,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), DbErr> {
    let stored_body = match settings.smtp_url {
        Some(_) => redact_tokens(body),
        None => body.to_owned(),
    };
    let row = outbox::ActiveModel {
        to_address: Set(to.to_owned()),
        subject: Set(subject.to_owned()),
        body: Set(stored_body),
        created_at: Set(Utc::now()),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;

    if let Some(url) = settings.smtp_url.clone() {
        let db = db.clone();
        let from = settings.from.clone();
        let (to, subject, body) = (to.to_owned(), subject.to_owned(), body.to_owned());
        tokio::spawn(async move {
            let outcome = deliver(&url, &from, &to, &subject, body).await;
            let update = match &outcome {
                Ok(()) => outbox::Entity::update_many()
                    .col_expr(outbox::Column::SentAt, Expr::value(Utc::now())),
                Err(error) => {
                    tracing::error!(outbox.id = row.id, error = %error, "sending email failed");
                    outbox::Entity::update_many()
                        .col_expr(outbox::Column::LastError, Expr::value(error.clone()))
                }
            };
            if let Err(error) = update.filter(outbox::Column::Id.eq(row.id)).exec(&db).await {
                tracing::error!(outbox.id = row.id, error = %error, "recording the email's delivery failed");
            }
        });
    }
    Ok(())
}

/// Replaces the value of every `token=` in `body` with a note.
fn redact_tokens(body: &str) -> String {
    let mut redacted = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(position) = rest.find("token=") {
        let (before, after) = rest.split_at(position + "token=".len());
        redacted.push_str(before);
        redacted.push_str("[removed; sent by email only]");
        rest = after.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    }
    redacted.push_str(rest);
    redacted
}

async fn deliver(
    url: &str,
    from: &str,
    to: &str,
    subject: &str,
    body: String,
) -> Result<(), String> {
    let from: Mailbox = from
        .parse()
        .map_err(|error| format!("invalid sender address: {error}"))?;
    let to: Mailbox = to
        .parse()
        .map_err(|error| format!("invalid recipient address: {error}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .body(body)
        .map_err(|error| format!("cannot build the message: {error}"))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|error| format!("invalid SMTP URL: {error}"))?
        .build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|error| format!("SMTP delivery failed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::redact_tokens;

    #[test]
    fn tokens_are_removed_from_links() {
        let body =
            "Open https://tli.test/invitation?token=ab12cd34 within 7 days.\nAgain: token=ff00";
        let redacted = redact_tokens(body);
        assert!(
            !redacted.contains("ab12cd34") && !redacted.contains("ff00"),
            "{redacted}"
        );
        assert!(
            redacted.contains("invitation?token=[removed; sent by email only] within 7 days."),
            "{redacted}"
        );
    }
}
