//! The account page: the person's own settings, for now the time zone they read times in.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::auth::current_actor;
use crate::cohorts::TimeZoneOptions;
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FieldError, SuccessNotice, posted_error, posted_for, query_param, shown_value,
};

/// Sets the time zone the caller reads times in. Blank shows each cohort's own zone.
#[server(prefix = "/api", endpoint = "account/time-zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, redirect_to, reject};
    use crate::entities::users;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let actor = authorized(Action::ViewOwnHome)?;
    let zone = match time_zone.trim() {
        "" => None,
        text => Some(
            crate::local_time::parse_zone("time_zone", text)
                .map_err(reject)?
                .name()
                .to_owned(),
        ),
    };
    let user_id = actor.user().map(|user| user.id).unwrap_or_default();
    users::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(user_id),
        time_zone: Set(zone),
        ..Default::default()
    }
    .update(&db()?)
    .await
    .map_err(db_failure)?;
    redirect_to("/account?done=1");
    Ok(())
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let actor = current_actor();
    let Some(user) = actor.user().cloned() else {
        return view! { <Title text="Your account"/><ErrorNotice error=AppError::Unauthenticated/> }.into_any();
    };
    let error = posted_error::<SetTimeZone>();
    let zone_error = error
        .as_ref()
        .and_then(|error| error.message_for("time_zone"));
    let saved = query_param("done").is_some() && error.is_none();
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        <p>{format!("{} · {}", user.display_name, user.email)}</p>
        {saved.then(|| view! { <SuccessNotice>"Time zone saved."</SuccessNotice> })}
        <form method="post" action=SetTimeZone::url() class="stacked-form">
            <div class="field">
                <label for="account-zone">"Your time zone"</label>
                <input
                    id="account-zone"
                    name="time_zone"
                    type="text"
                    list="us-time-zones"
                    value=shown_value(&posted_for(SetTimeZone::url(), &[]), "time_zone", user.time_zone.clone().unwrap_or_default())
                    aria-describedby="account-zone-hint account-zone-error"
                    aria-invalid=zone_error.is_some().to_string()
                />
                <p id="account-zone-hint" class="hint">"Deadlines are shown in this zone, with the zone named. Leave it empty to see each cohort's own zone. Use an IANA name such as America/Denver."</p>
                <FieldError id="account-zone-error" message=Signal::derive(move || zone_error.clone())/>
            </div>
            <TimeZoneOptions/>
            <button type="submit">"Save time zone"</button>
        </form>
        <h2>"Calendar and notifications"</h2>
        <ul class="link-list">
            <li><a href="/calendar">"Your calendar feed"</a>": workshops, meetings and coaching sessions in Google Calendar, Outlook or Apple Calendar."</li>
            <li><a href="/inbox">"Your inbox and email preferences"</a></li>
        </ul>
    }
    .into_any()
}
