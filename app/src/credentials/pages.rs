//! Credential pages: the public page of one credential, the fellow's list, and the
//! verifier.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::{
    CredentialSummary, CredentialView, OwnerChoices, REASON_MAX_CHARS, RevokeCredential,
    SaveCredentialChoices, Standing, get_credential, get_my_credentials, get_verifier_report,
};
use super::{Check, Report};
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, field_message, posted_error,
    query_param,
};

/// The address of the verifier's form handler; the server reads the upload or paste.
pub const VERIFY_ACTION: &str = "/verify";

fn standing_badge(standing: &Standing) -> impl IntoView + use<> {
    let (class, text) = match standing {
        Standing::Issued { .. } => ("badge badge-current", "✓ Issued"),
        Standing::Pending => ("badge", "… Being issued"),
        Standing::Revoked { .. } => ("badge badge-cancelled", "✕ Revoked"),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
pub fn CredentialPage() -> impl IntoView {
    let params = use_params_map();
    let public_id = params.with_untracked(|params| params.get("id").unwrap_or_default());
    let done = query_param("done").and_then(|code| match code.as_str() {
        "saved" => Some("Your choices are saved and the credential was signed again with them."),
        "revoked" => {
            Some("The credential is revoked. Verifiers now report it as revoked, with your reason.")
        }
        _ => None,
    });
    let data = get_credential(public_id);
    view! {
        <leptos_meta::Title text="Credential"/>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <CredentialDetails view/> }.into_any(),
                    Err(error) => view! { <h1>"Credential"</h1><ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CredentialDetails(view: CredentialView) -> impl IntoView {
    let CredentialView {
        public_id,
        url,
        name,
        earner,
        issuer,
        competency,
        description,
        criteria,
        earned_on,
        standing,
        results,
        evidence,
        linkedin_url,
        is_certificate,
        owner,
        can_revoke,
    } = view;
    let standing_text = match &standing {
        Standing::Issued { issued_on } => format!("Signed by {issuer} on {issued_on}."),
        Standing::Pending => "Earned and waiting to be signed; this takes less than a minute. Reload the page to see it.".to_owned(),
        Standing::Revoked { on, reason } => format!("Revoked by the issuer on {on}: {reason}"),
    };
    let issued = matches!(standing, Standing::Issued { .. });
    view! {
        <article class="credential" aria-labelledby="credential-heading">
            <div class="credential-header">
                <img src=format!("/credentials/{public_id}/badge.png") alt="" width="96" height="96" class="credential-badge"/>
                <div>
                    <h1 id="credential-heading">{name.clone()}</h1>
                    <p>{standing_badge(&standing)}" "{standing_text}</p>
                    <p>"Earned by "<strong>{earner}</strong>" on "{earned_on}"."</p>
                </div>
            </div>
            <section class="panel" aria-labelledby="about-heading">
                <h2 id="about-heading">"What it recognizes"</h2>
                <p>{description}</p>
                <dl class="facts">
                    {(!competency.is_empty()).then(|| view! { <dt>"Competency"</dt><dd>{competency.clone()}</dd> })}
                    <dt>"Criteria"</dt><dd>{criteria}</dd>
                    <dt>"Issuer"</dt><dd>{issuer.clone()}</dd>
                </dl>
            </section>
            {(!results.is_empty()).then(|| view! {
                <section class="panel" aria-labelledby="results-heading">
                    <h2 id="results-heading">"Rubric results"</h2>
                    <div class="table-scroll">
                        <table>
                            <thead><tr><th scope="col">"Criterion"</th><th scope="col">"Level achieved"</th></tr></thead>
                            <tbody>
                                {results.into_iter().map(|row| view! {
                                    <tr><td>{row.criterion}</td><td>{row.level}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}
            {(!evidence.is_empty()).then(|| view! {
                <section class="panel" aria-labelledby="evidence-heading">
                    <h2 id="evidence-heading">"Evidence the fellow shares"</h2>
                    <ul>
                        {evidence.into_iter().map(|(anchor, title, summary)| view! {
                            <li id=anchor><strong>{title}</strong>{(!summary.is_empty()).then(|| format!(": {summary}"))}</li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {issued.then(|| view! {
                <section class="panel" aria-labelledby="share-heading">
                    <h2 id="share-heading">"Share and check"</h2>
                    <ul class="action-list">
                        {is_certificate.then(|| view! {
                            <li><a href=format!("/credentials/{public_id}/certificate.pdf") download=format!("certificate-{public_id}.pdf")>"Download the certificate (PDF)"</a>" (the signed credential is inside it)"</li>
                        })}
                        <li><a href=format!("/credentials/{public_id}/badge.png") download=format!("{public_id}.png")>"Download the badge image"</a>" (the signed credential is inside it)"</li>
                        <li><a href=format!("/credentials/{public_id}/credential.json") download=format!("{public_id}.json")>"Download the credential (JSON)"</a></li>
                        <li><a href=linkedin_url rel="noopener" target="_blank">"Add to LinkedIn profile"<span class="visually-hidden">" (opens LinkedIn in a new tab)"</span></a></li>
                        <li><a href="/verify">"Check a credential on the verifier"</a></li>
                    </ul>
                    <p class="hint">"This page's address: "<code>{url}</code></p>
                </section>
            })}
            {owner
                .filter(|_| !matches!(standing, Standing::Revoked { .. }))
                .map(|owner| view! { <OwnerForm public_id=public_id.clone() owner is_certificate/> })}
            {(can_revoke && !matches!(standing, Standing::Revoked { .. })).then(|| view! { <RevokeForm public_id=public_id.clone()/> })}
        </article>
    }
}

#[component]
fn OwnerForm(public_id: String, owner: OwnerChoices, is_certificate: bool) -> impl IntoView {
    let error = posted_error::<SaveCredentialChoices>();
    let url_message = field_message(&error, "recipient_url");
    let by_url = owner.recipient == "url";
    view! {
            <section class="panel" aria-labelledby="choices-heading">
                <h2 id="choices-heading">"Your choices"</h2>
                <FormErrorNotice error=error.clone() fields=&["recipient_url"]/>
                <form method="post" action=SaveCredentialChoices::url() class="stacked-form">
                    <input type="hidden" name="public_id" value=public_id/>
                    <fieldset>
                        <legend>"How the credential identifies you"</legend>
                        <label class="checkbox" for="recipient-email">
                            <input id="recipient-email" type="radio" name="recipient" value="email" checked=!by_url/>
                            "By my email address, stored only as a salted hash: anyone who knows the address can confirm it is you"
                        </label>
                        <label class="checkbox" for="recipient-url">
                            <input id="recipient-url" type="radio" name="recipient" value="url" checked=by_url/>
                            "By a web address that is mine, such as my school profile page"
                        </label>
                        <label for="recipient-url-value">"Web address"</label>
                        <input id="recipient-url-value" type="url" name="recipient_url" value=owner.recipient_url aria-describedby="recipient-url-error" placeholder="https://"/>
                        <FieldError id="recipient-url-error" message=url_message/>
                    </fieldset>
    {(!is_certificate).then(|| view! {
                    <fieldset>
                        <legend>"Evidence shown with the credential"</legend>
                        {owner.evidence.is_empty().then(|| view! { <p class="hint">"This submission had no evidence from your library."</p> })}
                        {owner.evidence.into_iter().enumerate().map(|(index, item)| {
                            let id = format!("evidence-{}", item.id);
                            view! {
                                <label class="checkbox" for=id.clone()>
                                    <input id=id.clone() type="checkbox" name=format!("evidence[{index}]") value=item.id.to_string() checked=item.shown/>
                                    {item.title}
                                </label>
                            }
                        }).collect_view()}
                        <p class="hint">"Only the title and description are shown; files stay private."</p>
                    </fieldset>
                    })}
                    <button type="submit">"Save and sign again"</button>
                </form>
            </section>
        }
}

#[component]
fn RevokeForm(public_id: String) -> impl IntoView {
    let error = posted_error::<RevokeCredential>();
    let reason_message = field_message(&error, "reason");
    view! {
        <section class="panel" aria-labelledby="revoke-heading">
            <h2 id="revoke-heading">"Revoke"</h2>
            <p>"Revoke a credential only for falsified, plagiarized or generated work. The fellow and every verifier see the reason. This cannot be undone."</p>
            <FormErrorNotice error=error.clone() fields=&["reason"]/>
            <form method="post" action=RevokeCredential::url() class="stacked-form">
                <input type="hidden" name="public_id" value=public_id/>
                <label for="revoke-reason">"Reason"</label>
                <textarea id="revoke-reason" name="reason" rows="3" required maxlength=REASON_MAX_CHARS.to_string() aria-describedby="revoke-reason-error"></textarea>
                <FieldError id="revoke-reason-error" message=reason_message/>
                <button type="submit" class="button-danger">"Revoke credential"</button>
            </form>
        </section>
    }
}

#[component]
pub fn MyCredentialsPage() -> impl IntoView {
    let data = get_my_credentials();
    view! {
        <leptos_meta::Title text="My credentials"/>
        <h1>"My credentials"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <CredentialList list/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CredentialList(list: Vec<CredentialSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="placeholder">"No credentials yet. Each micro-credential you earn appears here as a signed Open Badge you can share."</p> }.into_any();
    }
    let mut cohorts: Vec<i32> = list.iter().map(|item| item.cohort_id).collect();
    cohorts.sort_unstable();
    cohorts.dedup();
    view! {
        <p>
            "Your Comprehensive Learner Record (CLR 2.0) bundles every credential below into one signed file: "
            {cohorts.into_iter().map(|cohort| view! {
                <a href=format!("/cohorts/{cohort}/clr.json") download=format!("clr-{cohort}.json")>"download the CLR"</a>" "
            }).collect_view()}
        </p>
        <ul class="credential-list">
            {list.into_iter().map(|item| view! {
                <li>
                    <a href=format!("/credentials/{}", item.public_id)>{item.name}</a>
                    " "{standing_badge(&item.standing)}
                    <span class="hint">{format!(" earned {}", item.earned_on)}</span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn VerifierPage() -> impl IntoView {
    let report = get_verifier_report();
    view! {
        <leptos_meta::Title text="Verify a credential"/>
        <h1>"Verify a credential"</h1>
        <p>"Check an Open Badges 3.0 credential from TLI Hub: paste its JSON, or choose the badge image, the certificate PDF or the credential file. A file is checked when one is chosen; otherwise the pasted text is. Nothing is fetched from other sites."</p>
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                report.await.ok().flatten().map(|report| view! { <ReportView report/> })
            })}
        </Suspense>
        <form method="post" action=VERIFY_ACTION enctype="multipart/form-data" class="stacked-form panel">
            <label for="verify-file">"Badge image (PNG), certificate (PDF) or credential file (JSON)"</label>
            <input id="verify-file" type="file" name="file" accept="image/png,application/pdf,application/json,application/ld+json,.json,.png,.pdf"/>
            <label for="verify-text">"Or paste the credential"</label>
            <textarea id="verify-text" name="credential" rows="8" spellcheck="false"></textarea>
            <button type="submit">"Verify"</button>
        </form>
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let valid = report.valid();
    let (class, summary) = if valid {
        (
            "notice notice-success",
            "Valid: this credential is genuine, unchanged and not revoked.",
        )
    } else {
        (
            "notice notice-error",
            "Not valid: see the first failed check below.",
        )
    };
    view! {
        <section aria-labelledby="report-heading" class="panel" id="report">
            <h2 id="report-heading">"Result"</h2>
            <div class=class role="status"><p><strong>{summary}</strong></p></div>
            {report.name.map(|name| view! { <p>"Credential: "<strong>{name}</strong></p> })}
            {report.issuer.map(|issuer| view! { <p>"Issuer: "<strong>{issuer}</strong></p> })}
            {report.recipient.map(|recipient| view! { <p>"Recipient: "{recipient}</p> })}
            <p class="hint">"Only the signed credential is checked: compare the name, recipient and dates with what the file or page shows, and open the credential's own address to see it as the issuer published it."</p>
            {report.id.map(|id| view! { <p class="hint">"Id: "<code>{id}</code></p> })}
            <ol class="check-list">
                {report.checks.into_iter().map(|(name, check)| {
                    let (mark, text) = match check {
                        Check::Passed => ("✓ Passed", String::new()),
                        Check::Failed(reason) => ("✕ Failed", reason),
                        Check::NotChecked => ("– Not checked", "An earlier check failed.".to_owned()),
                    };
                    view! {
                        <li><strong>{name.label()}</strong>": "{mark}{(!text.is_empty()).then(|| format!(". {text}"))}</li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
