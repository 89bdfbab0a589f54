//! The personal calendar feed: every workshop and meeting of a person's cohorts and
//! their coaching sessions, as iCalendar. Server only.
//!
//! A feed address ends in a 64-character secret and `.ics`. The database keeps only
//! the secret's SHA-256, and after a reset the old address returns 404. Coaching
//! session notes are private and never appear in the feed.

use std::collections::HashMap;

use chrono::Duration;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::ical::{FeedCalendar, FeedEvent, write_calendar};
use super::store::{ends_at, entry_zone, kind_of, token_hash};
use super::{EventKind, event_path};
use crate::cohorts::cohort_label;
use crate::cohorts::schedule_store::zone_or_default;
use crate::entities::{coaching_sessions, cohort_memberships, cohorts, events, modules, users};

/// The path feed addresses start with; the server routes `FEED_PREFIX{file}`.
pub const FEED_PREFIX: &str = "/calendar/feed/";

/// Returns the feed address of `token` on the site at `public_url`.
pub fn feed_address(public_url: &str, token: &str) -> String {
    format!(
        "{}{FEED_PREFIX}{token}.ics",
        public_url.trim_end_matches('/')
    )
}

/// Returns the secret in a feed address's last segment, `TOKEN.ics`, when it has the
/// form of one: 64 lower-case hexadecimal digits.
pub fn token_of(file: &str) -> Option<&str> {
    let token = file.strip_suffix(".ics")?;
    let well_formed = token.len() == 64
        && token
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    well_formed.then_some(token)
}

/// Returns the host name in `public_url`, which makes event UIDs unique to this site.
pub fn uid_host(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "tli-hub".to_owned())
}

/// Builds the feed of the person whose token is `token`, with links to `public_url`.
/// Returns `None` when no enabled account has that token. Reads seven tables once
/// each, whatever the number of events.
pub async fn feed_for_token(
    db: &impl ConnectionTrait,
    token: &str,
    public_url: &str,
) -> Result<Option<String>, DbErr> {
    let Some(person) = users::Entity::find()
        .filter(users::Column::CalendarTokenHash.eq(token_hash(token)))
        .filter(users::Column::Disabled.eq(false))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let site = public_url.trim_end_matches('/');
    let host = uid_host(site);

    let cohort_ids: Vec<i32> = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.eq(person.id))
        .all(db)
        .await?
        .into_iter()
        .map(|membership| membership.cohort_id)
        .collect();
    let cohort_rows = cohorts::Entity::find()
        .filter(cohorts::Column::Id.is_in(cohort_ids.clone()))
        .all(db)
        .await?;
    let event_rows = events::Entity::find()
        .filter(events::Column::CohortId.is_in(cohort_ids))
        .order_by_asc(events::Column::StartsAt)
        .order_by_asc(events::Column::Id)
        .all(db)
        .await?;
    let module_names: HashMap<i32, String> = modules::Entity::find()
        .filter(modules::Column::Id.is_in(event_rows.iter().filter_map(|event| event.module_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|module| (module.id, module.name))
        .collect();
    let sessions = coaching_sessions::Entity::find()
        .filter(
            Condition::any()
                .add(coaching_sessions::Column::CoachUserId.eq(person.id))
                .add(coaching_sessions::Column::FellowUserId.eq(person.id)),
        )
        .order_by_asc(coaching_sessions::Column::StartsAt)
        .order_by_asc(coaching_sessions::Column::Id)
        .all(db)
        .await?;
    let partner_ids = sessions.iter().map(|session| {
        if session.coach_user_id == person.id {
            session.fellow_user_id
        } else {
            session.coach_user_id
        }
    });
    let partner_names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(partner_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|user| (user.id, user.display_name))
        .collect();

    let cohort_labels: HashMap<i32, String> = cohort_rows
        .iter()
        .map(|cohort| (cohort.id, cohort_label(&cohort.name, cohort.year)))
        .collect();
    let mut entries: Vec<FeedEvent> = event_rows
        .iter()
        .map(|event| {
            cohort_event(
                event,
                cohort_labels.get(&event.cohort_id),
                event.module_id.and_then(|id| module_names.get(&id)),
                site,
                &host,
            )
        })
        .collect();
    entries.extend(sessions.iter().map(|session| {
        let partner_id = if session.coach_user_id == person.id {
            session.fellow_user_id
        } else {
            session.coach_user_id
        };
        coaching_event(
            session,
            partner_names.get(&partner_id),
            session.coach_user_id == person.id,
            cohort_rows
                .iter()
                .find(|cohort| cohort.id == session.cohort_id)
                .map(|cohort| cohort.time_zone.as_str()),
            site,
            &host,
        )
    }));
    entries.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.uid.cmp(&b.uid)));

    Ok(Some(write_calendar(&FeedCalendar {
        product_id: "-//TLI Hub//Calendar feed//EN".to_owned(),
        name: "TLI Hub".to_owned(),
        events: entries,
    })))
}

fn cohort_event(
    event: &events::Model,
    cohort: Option<&String>,
    module: Option<&String>,
    site: &str,
    host: &str,
) -> FeedEvent {
    let page = format!("{site}{}", event_path(event.id));
    let cancelled = event.cancelled_at.is_some();
    let mut description = match (kind_of(event), module) {
        (EventKind::Workshop, Some(module)) => format!("Virtual workshop of the {module} module"),
        (EventKind::Workshop, None) => "Virtual workshop".to_owned(),
        (EventKind::Meeting, _) => "Face-to-face cohort meeting".to_owned(),
    };
    if let Some(cohort) = cohort {
        description.push_str(&format!(", {cohort}"));
    }
    description.push('.');
    if cancelled {
        description.push_str("\nThis event was cancelled.");
    }
    if let Some(place) = &event.location {
        description.push_str(&format!("\nWhere: {place}"));
    }
    if let Some(link) = event.join_url.as_ref().filter(|_| !cancelled) {
        description.push_str(&format!("\nJoin: {link}"));
    }
    description.push_str(&format!("\nDetails and check-in: {page}"));
    FeedEvent {
        uid: format!("event-{}@{host}", event.id),
        sequence: event.sequence,
        updated_at: event.updated_at,
        starts_at: event.starts_at,
        ends_at: ends_at(event),
        zone: entry_zone(event),
        summary: if cancelled {
            format!("Cancelled: {}", event.title)
        } else {
            event.title.clone()
        },
        description,
        location: event.location.clone().or_else(|| event.join_url.clone()),
        url: Some(page),
        cancelled,
    }
}

fn coaching_event(
    session: &coaching_sessions::Model,
    partner: Option<&String>,
    viewer_is_coach: bool,
    cohort_zone: Option<&str>,
    site: &str,
    host: &str,
) -> FeedEvent {
    let cancelled = session.state == "cancelled";
    let summary = match partner {
        Some(name) => format!("Coaching session with {name}"),
        None => "Coaching session".to_owned(),
    };
    let role = if viewer_is_coach {
        "You are the coach."
    } else {
        "Your coach meets with you."
    };
    let page = format!("{site}/coaching");
    // A zone name that no longer parses falls back to the cohort's zone.
    let zone = session
        .zone
        .parse::<chrono_tz::Tz>()
        .unwrap_or_else(|_| zone_or_default(cohort_zone.unwrap_or_default()));
    FeedEvent {
        uid: format!("coaching-{}@{host}", session.id),
        sequence: session.sequence,
        updated_at: session.updated_at,
        starts_at: session.starts_at,
        ends_at: session.starts_at + Duration::minutes(session.duration_minutes.into()),
        zone,
        summary: if cancelled {
            format!("Cancelled: {summary}")
        } else {
            summary
        },
        description: format!("{role}\nDetails: {page}"),
        location: session.place.clone(),
        url: Some(page),
        cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_with_ics() {
        let token = "0123456789abcdef".repeat(4);
        assert_eq!(token_of(&format!("{token}.ics")), Some(token.as_str()));
        assert_eq!(token_of(&token), None, "the .ics suffix is required");
        assert_eq!(token_of(&format!("{}.ics", &token[1..])), None);
        assert_eq!(token_of(&format!("{}.ics", token.to_uppercase())), None);
        assert_eq!(token_of("../../etc/passwd.ics"), None);
    }

    #[test]
    fn uid_host_comes_from_the_public_address() {
        assert_eq!(uid_host("https://hub.example.org"), "hub.example.org");
        assert_eq!(uid_host("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(uid_host("not a url"), "tli-hub");
    }

    #[test]
    fn feed_address_joins_without_double_slash() {
        assert_eq!(
            feed_address("https://hub.example.org/", "abc"),
            "https://hub.example.org/calendar/feed/abc.ics"
        );
    }
}
