//! Writing notifications, reading the inbox and sending the daily digest. Server only.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{EmailChoice, Kind, Preferences};
use crate::entities::{notifications, users};
use crate::mail::Notifier;

/// The inbox shows this many entries.
pub const INBOX_PAGE: u64 = 50;

/// How long the digest waits after the last one it sent to the same person.
pub const DIGEST_INTERVAL: Duration = Duration::hours(24);

/// One notification for several people.
pub struct Note<'a> {
    pub kind: Kind,
    /// A sentence that states what happened, without private details.
    pub title: &'a str,
    /// A path inside the app, such as `/cohorts/1/modules/2/discussion#post-9`.
    pub link: &'a str,
}

/// Puts `note` in the inbox of each of `recipients` and emails at once those who chose
/// that for its kind. Duplicate ids and disabled accounts are skipped. Reads the
/// recipients in one statement and writes the inbox rows in one more, however many.
pub async fn notify(
    db: &DatabaseConnection,
    mail: &Notifier<'_>,
    recipients: &[i32],
    note: Note<'_>,
) -> Result<(), DbErr> {
    let mut ids: Vec<i32> = recipients.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(ids.clone()))
        .filter(users::Column::Disabled.eq(false))
        .all(db)
        .await?;
    if people.is_empty() {
        return Ok(());
    }

    let now = Utc::now();
    let at_once: Vec<&users::Model> = people
        .iter()
        .filter(|person| {
            Preferences::from_json(&person.notification_prefs).choice(note.kind)
                == EmailChoice::AtOnce
        })
        .collect();
    let rows = people.iter().map(|person| notifications::ActiveModel {
        user_id: Set(person.id),
        kind: Set(note.kind.name().to_owned()),
        title: Set(note.title.to_owned()),
        link: Set(note.link.to_owned()),
        created_at: Set(now),
        read_at: Set(None),
        emailed_at: Set(at_once
            .iter()
            .any(|sent| sent.id == person.id)
            .then_some(now)),
        ..Default::default()
    });
    notifications::Entity::insert_many(rows).exec(db).await?;
    for person in at_once {
        let body = format!(
            "{}\n\nOpen it in TLI Hub: {}{}\n\nChoose which notifications reach you by email at {}/inbox.\n",
            note.title, mail.public_url, note.link, mail.public_url
        );
        crate::mail::send(
            db,
            mail.settings,
            &person.email,
            &subject_line(note.title),
            &body,
        )
        .await?;
    }
    Ok(())
}

/// Maximum length of an email subject, in characters, before it is cut with an
/// ellipsis.
const SUBJECT_MAX_CHARS: usize = 150;

/// Makes an email subject from a notification title: one line, line breaks and other
/// control characters as spaces, and cut at `SUBJECT_MAX_CHARS` with an ellipsis. The
/// body carries the whole title.
pub fn subject_line(title: &str) -> String {
    let line = title
        .split(char::is_control)
        .filter(|part| !part.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    if line.chars().count() > SUBJECT_MAX_CHARS {
        let mut cut: String = line.chars().take(SUBJECT_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        line
    }
}

/// Counts the unread entries in `user_id`'s inbox.
pub async fn unread_count(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// Reads the newest entries of `user_id`'s inbox, one more than a page so the caller
/// can tell whether older ones exist.
pub async fn newest(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<notifications::Model>, DbErr> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .order_by_desc(notifications::Column::Id)
        .limit(INBOX_PAGE + 1)
        .all(db)
        .await
}

/// Marks one entry read and returns its link; `None` when it is not `user_id`'s.
pub async fn open(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: i32,
) -> Result<Option<String>, DbErr> {
    let Some(entry) = notifications::Entity::find_by_id(id)
        .filter(notifications::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if entry.read_at.is_none() {
        mark_read(db, user_id, Some(id)).await?;
    }
    Ok(Some(entry.link))
}

/// Marks `user_id`'s entry `id` read, or all of them with `None`.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: Option<i32>,
) -> Result<(), DbErr> {
    let mut update = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notifications::Column::Id.eq(id));
    }
    update.exec(db).await.map(|_| ())
}

/// The counts of one digest run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DigestRun {
    /// Digest emails sent.
    pub sent: usize,
    /// Notifications those emails listed.
    pub listed: usize,
}

/// Emails each person who chose the digest for some kind one message listing their
/// unread notifications of those kinds that no email has mentioned yet, at most once per
/// [`DIGEST_INTERVAL`]. Several servers may run it at once: each person is claimed
/// with one conditional update, so only one server mails them.
pub async fn send_digests(
    db: &DatabaseConnection,
    mail: &Notifier<'_>,
    now: DateTime<Utc>,
) -> Result<DigestRun, DbErr> {
    let pending = notifications::Entity::find()
        .filter(notifications::Column::ReadAt.is_null())
        .filter(notifications::Column::EmailedAt.is_null())
        .order_by_asc(notifications::Column::Id)
        .all(db)
        .await?;
    let mut by_user: HashMap<i32, Vec<notifications::Model>> = HashMap::new();
    for entry in pending {
        by_user.entry(entry.user_id).or_default().push(entry);
    }
    if by_user.is_empty() {
        return Ok(DigestRun::default());
    }
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(by_user.keys().copied().collect::<Vec<_>>()))
        .filter(users::Column::Disabled.eq(false))
        .all(db)
        .await?;
    let cutoff = now - DIGEST_INTERVAL;
    let mut run = DigestRun::default();
    for person in people {
        if person.digest_sent_at.is_some_and(|sent| sent > cutoff) {
            continue;
        }
        let preferences = Preferences::from_json(&person.notification_prefs);
        let entries: Vec<&notifications::Model> = by_user[&person.id]
            .iter()
            .filter(|entry| {
                Kind::parse(&entry.kind)
                    .is_some_and(|kind| preferences.choice(kind) == EmailChoice::Digest)
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        let claimed = users::Entity::update_many()
            .col_expr(users::Column::DigestSentAt, Expr::value(now))
            .filter(users::Column::Id.eq(person.id))
            .filter(
                sea_orm::Condition::any()
                    .add(users::Column::DigestSentAt.is_null())
                    .add(users::Column::DigestSentAt.lte(cutoff)),
            )
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let mut body = format!(
            "Here is what happened in TLI Hub since your last digest ({} new):\n\n",
            entries.len()
        );
        for entry in &entries {
            body.push_str(&format!(
                "- {}\n  {}{}\n",
                entry.title, mail.public_url, entry.link
            ));
        }
        body.push_str(&format!(
            "\nYour inbox: {0}/inbox\nChoose which notifications reach you by email on the same page.\n",
            mail.public_url
        ));
        let subject = match entries.len() {
            1 => "TLI Hub: 1 new notification".to_owned(),
            count => format!("TLI Hub: {count} new notifications"),
        };
        crate::mail::send(db, mail.settings, &person.email, &subject, &body).await?;
        notifications::Entity::update_many()
            .col_expr(notifications::Column::EmailedAt, Expr::value(now))
            .filter(
                notifications::Column::Id
                    .is_in(entries.iter().map(|entry| entry.id).collect::<Vec<_>>()),
            )
            .exec(db)
            .await?;
        run.sent += 1;
        run.listed += entries.len();
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_line_is_one_short_line() {
        let subject = subject_line("Kim wrote: first line\n\nsecond\tline\u{0}");
        assert_eq!(subject, "Kim wrote: first line second line");
        let long = subject_line(&"word ".repeat(100));
        assert_eq!(long.chars().count(), SUBJECT_MAX_CHARS);
        assert!(long.ends_with('…'));
    }
}
