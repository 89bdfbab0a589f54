//! Sign-in, password reset and invitation pages. They are server-rendered forms that
//! post to server functions, so they work the same with or without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{AcceptInvitation, RequestPasswordReset, ResetPassword, SignIn};
use super::current_actor;
use super::input::PASSWORD_MIN_CHARS;
use crate::error::AppError;
use crate::ui::{
    FieldError, FormErrorNotice, SuccessNotice, field_message, posted_error, query_param,
};

/// Returns how long "keep me signed in" lasts, in days, as the server is configured.
fn remember_me_days() -> u64 {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::context::AppState>() {
        return state.sessions.remember_me_timeout.as_secs() / 86_400;
    }
    30
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let error = posted_error::<SignIn>();
    let email_error = field_message(&error, "email");
    let signed_in = current_actor().user().cloned();
    let password_was_reset = query_param("reset").is_some();
    let remember_days = remember_me_days();
    let next = query_param("next").filter(|path| super::api::is_local_path(path));

    view! {
        <Title text="Sign in"/>
        <h1>"Sign in"</h1>
        {signed_in.map(|user| view! {
            <SuccessNotice>
                {format!("You are signed in as {}. ", user.display_name)}
                <a href=user.home_path()>"Go to your home page"</a>
            </SuccessNotice>
        })}
        {password_was_reset.then(|| view! {
            <SuccessNotice>"Your password was changed. Sign in with the new password."</SuccessNotice>
        })}
        <form method="post" action=SignIn::url() class="stacked-form">
            <FormErrorNotice error=error.clone() fields=&["email"]/>
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <div class="field">
                <label for="sign-in-email">"Email"</label>
                <input id="sign-in-email" name="email" type="email" required autocomplete="username"
                    aria-describedby="sign-in-email-error"/>
                <FieldError id="sign-in-email-error" message=email_error/>
            </div>
            <div class="field">
                <label for="sign-in-password">"Password"</label>
                <input id="sign-in-password" name="password" type="password" required autocomplete="current-password"/>
            </div>
            <div class="field field-checkbox">
                <input id="sign-in-remember" name="remember_me" type="checkbox" value="on"/>
                <label for="sign-in-remember">{format!("Keep me signed in on this device for {remember_days} days")}</label>
            </div>
            <button type="submit">"Sign in"</button>
        </form>
        <p><a href="/forgot-password">"Forgot your password?"</a></p>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let error = posted_error::<RequestPasswordReset>();
    let email_error = field_message(&error, "email");
    let sent = query_param("sent").is_some();

    view! {
        <Title text="Forgot your password?"/>
        <h1>"Forgot your password?"</h1>
        {sent.then(|| view! {
            <SuccessNotice>
                "If an account uses that address, we sent it a link to choose a new password. "
                "The link works for one hour. Check your spam folder if it does not arrive."
            </SuccessNotice>
        })}
        <p>"Enter the email address you sign in with, and we will send you a link to choose a new password."</p>
        <form method="post" action=RequestPasswordReset::url() class="stacked-form">
            <FormErrorNotice error=error.clone() fields=&["email"]/>
            <div class="field">
                <label for="reset-email">"Email"</label>
                <input id="reset-email" name="email" type="email" required autocomplete="username"
                    aria-describedby="reset-email-error"/>
                <FieldError id="reset-email-error" message=email_error/>
            </div>
            <button type="submit">"Send the link"</button>
        </form>
        <p><a href="/sign-in">"Back to sign in"</a></p>
    }
}

/// Renders the password form shared by the reset and invitation pages.
#[component]
fn NewPasswordForm(
    action_url: &'static str,
    token: String,
    error: Option<AppError>,
    submit_label: &'static str,
) -> impl IntoView {
    let password_error = field_message(&error, "password");
    let confirmation_error = field_message(&error, "password_confirmation");
    view! {
        <form method="post" action=action_url class="stacked-form">
            <FormErrorNotice error=error.clone() fields=&["password", "password_confirmation"]/>
            <input type="hidden" name="token" value=token/>
            <div class="field">
                <label for="new-password">"New password"</label>
                <input id="new-password" name="password" type="password" required autocomplete="new-password"
                    minlength=PASSWORD_MIN_CHARS.to_string() aria-describedby="new-password-hint new-password-error"/>
                <p id="new-password-hint" class="hint">
                    {format!("At least {PASSWORD_MIN_CHARS} characters. A few unrelated words work well.")}
                </p>
                <FieldError id="new-password-error" message=password_error/>
            </div>
            <div class="field">
                <label for="confirm-password">"Type it again"</label>
                <input id="confirm-password" name="password_confirmation" type="password" required
                    autocomplete="new-password" aria-describedby="confirm-password-error"/>
                <FieldError id="confirm-password-error" message=confirmation_error/>
            </div>
            <button type="submit">{submit_label}</button>
        </form>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let error = posted_error::<ResetPassword>();
    let token = query_param("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password"/>
        <h1>"Choose a new password"</h1>
        <NewPasswordForm action_url=ResetPassword::url() token error submit_label="Save the new password"/>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let error = posted_error::<AcceptInvitation>();
    let token = query_param("token").unwrap_or_default();
    view! {
        <Title text="Welcome to TLI Hub"/>
        <h1>"Welcome to TLI Hub"</h1>
        <p>"You were invited to the Teacher Leadership Institute. Choose a password to finish setting up your account."</p>
        <NewPasswordForm action_url=AcceptInvitation::url() token error submit_label="Set password and sign in"/>
    }
}
