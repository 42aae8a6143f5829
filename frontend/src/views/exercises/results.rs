//! What the relay decided after a run of the exercise: each check as ✓ or ✗ with its sentence
//! (placeholders filled in by the relay) and what it saw. A result that names messages (the
//! returned ones, the lost ones, the matching deliveries) highlights their paths on the canvas
//! when clicked. The page shows the relay's verdict; it never decides a check itself.

use crate::i18n::{Lang, Text, texts};
use crate::model::run::Phase;
use crate::playground::Playground;
use crate::views::{lang, tr};
use leptos::prelude::*;
use warren_shared::exercise::CheckResult;

/// An exercise's text in `lang`.
pub(crate) fn said(text: &warren_shared::exercise::Text, lang: Lang) -> String {
    match lang {
        Lang::En => text.en.clone(),
        Lang::Zh => text.zh.clone(),
    }
}

/// The results of the last run, once it finished; nothing before.
#[component]
pub(crate) fn CheckResults(pg: Playground) -> impl IntoView {
    let lang = lang();
    let checks = Memo::new(move |_| {
        pg.run.with(|r| match r.phase() {
            Phase::Finished { .. } => r.checks.clone(),
            _ => Vec::new(),
        })
    });
    move || {
        let list = checks.get();
        if list.is_empty() {
            return None;
        }
        let total = list.len();
        let passed = list.iter().filter(|c| c.passed).count();
        let verdict = move || {
            let lang = lang.get();
            if passed == total {
                Text::AllChecksPassed.text(lang).to_owned()
            } else {
                texts::checks_passed(passed, total, lang)
            }
        };
        let items = list.into_iter().map(|c| item(pg, c)).collect_view();
        Some(view! {
            <div class="ex-results" data-testid="check-results" data-passed=passed data-total=total>
                <h3>{tr(Text::ChecksHeading)}</h3>
                <p class="ex-verdict" class:pass=passed == total data-testid="check-verdict">{verdict}</p>
                <ul>{items}</ul>
            </div>
        })
    }
}

/// One result: a button when it names messages (their paths light up on the canvas).
fn item(pg: Playground, check: CheckResult) -> impl IntoView {
    let lang = lang();
    let CheckResult {
        passed,
        text,
        seen,
        expected,
        ids,
    } = check;
    let body = view! {
        <span class="mark" aria-hidden="true">{if passed { "✓" } else { "✗" }}</span>
        <span class="sentence" data-testid="check-sentence">{move || said(&text, lang.get())}</span>
        <span class="seen" data-testid="check-seen">
            {move || {
                let lang = lang.get();
                format!("{} {seen} · {} {expected}", Text::Seen.text(lang), Text::Expected.text(lang))
            }}
        </span>
    };
    let content = if ids.is_empty() {
        view! { <div class="check-body">{body}</div> }.into_any()
    } else {
        let n = ids.len();
        let ids = StoredValue::new(ids);
        let selected = move || pg.run.with(|r| ids.with_value(|ids| r.selected == *ids));
        let toggle = move |_| {
            pg.run.update(|r| {
                r.selected = if ids.with_value(|ids| r.selected == *ids) {
                    Vec::new()
                } else {
                    ids.get_value()
                };
            });
        };
        view! {
            <button
                type="button"
                class="check-body"
                class:selected=selected
                aria-pressed=move || selected().to_string()
                data-testid="check-messages"
                title=move || texts::show_messages(n, lang.get())
                on:click=toggle
            >
                {body}
            </button>
        }
        .into_any()
    };
    view! {
        <li class="check" class:pass=passed class:fail=!passed data-testid="check-result" data-passed=passed.to_string()>
            {content}
        </li>
    }
}
