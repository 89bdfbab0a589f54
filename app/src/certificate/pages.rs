//! The certificates page: each fellow's progress against the cohort's rule, approval,
//! and the rule itself.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::api::{ApproveCertificate, SaveCertificateRule, get_certificates};
use super::{CertificatesView, RULE_MAX_COUNT};
use crate::cohorts::cohort_id_param;
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, field_message, posted_error,
    query_param,
};

#[component]
pub fn CertificatesPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let done = query_param("done").and_then(|code| match code.as_str() {
        "approved" => Some("Certificate approved and issued. The fellow finds it, with its PDF, under My credentials."),
        "rule" => Some("Completion rule saved."),
        _ => None,
    });
    let data = get_certificates(cohort_id);
    view! {
        <leptos_meta::Title text="Certificates"/>
        <h1>"Leadership Certificate of Distinction"</h1>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <CertificatesTable view/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn tally(have: u32, need: u32) -> String {
    let mark = if have >= need { "✓" } else { "✕" };
    format!("{mark} {have} of {need}")
}

#[component]
fn CertificatesTable(view: CertificatesView) -> impl IntoView {
    let error = posted_error::<SaveCertificateRule>().or_else(posted_error::<ApproveCertificate>);
    let rule = view.rule;
    let cohort_id = view.cohort_id;
    view! {
        <p>{format!("{}: {}", view.cohort_name, rule.narrative())}</p>
        <FormErrorNotice error=error.clone() fields=&["overarching", "pathway", "decc"]/>
        <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Fellow"</th>
                        <th scope="col">"Overarching"</th>
                        <th scope="col">"Pathway"</th>
                        <th scope="col">"DECC"</th>
                        <th scope="col">"Capstone reviewed"</th>
                        <th scope="col">"Certificate"</th>
                    </tr>
                </thead>
                <tbody>
                    {view.fellows.into_iter().map(|fellow| {
                        let missing = fellow.missing(&rule);
                        let action = match (&fellow.certificate, missing.is_empty()) {
                            (Some(public_id), _) => view! { <a href=format!("/credentials/{public_id}")>"Issued"</a> }.into_any(),
                            (None, true) => view! {
                                <form method="post" action=ApproveCertificate::url() class="inline-form">
                                    <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                                    <input type="hidden" name="fellow_id" value=fellow.fellow_id.to_string()/>
                                    <button type="submit" class="button-small">"Approve"<span class="visually-hidden">{format!(" the certificate of {}", fellow.fellow_name)}</span></button>
                                </form>
                            }.into_any(),
                            (None, false) => view! { <span>{format!("Needs {}", missing.join(", "))}</span> }.into_any(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{fellow.fellow_name.clone()}</th>
                                <td>{tally(fellow.overarching, rule.overarching)}</td>
                                <td>{tally(fellow.pathway, rule.pathway)}</td>
                                <td>{tally(fellow.decc, rule.decc)}</td>
                                <td>{match (fellow.capstone_reviewed, rule.capstone_reviewed) {
                                    (true, _) => "✓ Yes",
                                    (false, true) => "✕ Not yet",
                                    (false, false) => "Not required",
                                }}</td>
                                <td>{action}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section class="panel" aria-labelledby="rule-heading">
            <h2 id="rule-heading">"Completion rule"</h2>
            <form method="post" action=SaveCertificateRule::url() class="stacked-form">
                <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                {[("overarching", "Overarching micro-credentials", rule.overarching), ("pathway", "Pathway micro-credentials", rule.pathway), ("decc", "DECC micro-credentials", rule.decc)].map(|(name, label, value)| {
                    let id = format!("rule-{name}");
                    let error_id = format!("rule-{name}-error");
                    view! {
                        <label for=id.clone()>{label}</label>
                        <input id=id type="number" name=name min="0" max=RULE_MAX_COUNT.to_string() value=value.to_string() aria-describedby=error_id.clone()/>
                        <FieldError id=error_id message=field_message(&error, name)/>
                    }
                }).into_iter().collect_view()}
                <label class="checkbox" for="rule-capstone">
                    <input id="rule-capstone" type="checkbox" name="capstone_reviewed" value="on" checked=rule.capstone_reviewed/>
                    "A reviewed Capstone Portfolio"
                </label>
                <button type="submit">"Save rule"</button>
            </form>
        </section>
    }
}
