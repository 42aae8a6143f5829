//! The gallery pane: one button per example, named and summed up in the page's language, and a
//! switch to the course's exercises (their list is loaded when first shown).

use super::exercises::Learning;
use super::exercises::list::exercise_list;
use super::{lang, tr, when_first_shown};
use crate::gallery;
use crate::i18n::Lang;
use crate::i18n::Text;
use crate::model::run::Phase;
use crate::model::state::Status;
use crate::playground::Playground;
use leptos::prelude::*;

#[component]
pub(crate) fn Gallery(
    pg: Playground,
    phase: Memo<Phase>,
    on_load: Callback<&'static str>,
    learning: Learning,
    status: RwSignal<Status>,
) -> impl IntoView {
    let shown = learning.shown;
    let tab = move |exercises: bool, label: Text, id: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class:active=move || shown.get() == exercises
                aria-selected=move || (shown.get() == exercises).to_string()
                data-testid=id
                on:click=move |_| shown.set(exercises)
            >
                {tr(label)}
            </button>
        }
    };
    view! {
        <div class="tabs gallery-tabs" role="tablist">
            {tab(false, Text::Examples, "tab-examples")}
            {tab(true, Text::Exercises, "tab-exercises")}
        </div>
        <div class="gallery-list" class:hidden=move || shown.get()>
            <Examples pg=pg phase=phase on_load=on_load />
        </div>
        <div class="gallery-list" class:hidden=move || !shown.get()>
            {when_first_shown(move || shown.get(), move || exercise_list(pg, learning, status, phase))}
        </div>
    }
}

#[component]
fn Examples(pg: Playground, phase: Memo<Phase>, on_load: Callback<&'static str>) -> impl IntoView {
    let current = move || pg.doc.with(|d| d.editor.example);
    let lang = lang();
    let items = gallery::examples()
        .into_iter()
        .map(|example| {
            let stem = example.stem;
            let name = {
                let example = example.clone();
                move || example.name_in(lang.get())
            };
            let blurb = move || match lang.get() {
                Lang::En => first_sentence(&example.description),
                Lang::Zh => first_sentence_zh(&example.description_in(Lang::Zh)),
            };
            view! {
                <li>
                    <button
                        type="button"
                        class="example"
                        class:current=move || current() == Some(stem)
                        data-testid=format!("gallery-{stem}")
                        disabled=move || phase.get().active()
                        on:click=move |_| on_load.run(stem)
                    >
                        <span class="example-name">{name}</span>
                        <span class="example-blurb">{blurb}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="examples" data-testid="gallery">{items}</ul> }
}

/// The description without its short opening (such as "A priority queue:"), cut after a sentence.
fn first_sentence(description: &str) -> String {
    let text = match description.split_once(": ") {
        Some((head, rest)) if head.len() < 40 => rest,
        _ => description,
    };
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    let mut out: String = text[..end].chars().take(110).collect();
    if out.len() < text[..end].len() {
        out.push('…');
    }
    out
}

/// [`first_sentence`] for Chinese: without the opening before "：", cut after "。".
fn first_sentence_zh(description: &str) -> String {
    let text = match description.split_once('：') {
        Some((head, rest)) if head.chars().count() < 20 => rest,
        _ => description,
    };
    let end = text.find('。').map_or(text.len(), |i| i + '。'.len_utf8());
    let mut out: String = text[..end].chars().take(60).collect();
    if out.len() < text[..end].len() {
        out.push('…');
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallery_blurbs_are_short() {
        let blurb = first_sentence("A backup (alternate) exchange: confirm-exchange2 names backup-exchange. More.");
        assert_eq!(blurb, "confirm-exchange2 names backup-exchange.");
    }

    #[test]
    fn chinese_gallery_blurbs_are_short() {
        let blurb = first_sentence_zh("原教程第三节：confirm-exchange2 把 backup-exchange 设为备份交换机。其余。");
        assert_eq!(blurb, "confirm-exchange2 把 backup-exchange 设为备份交换机。");
        for example in gallery::examples() {
            let blurb = first_sentence_zh(&example.description_in(Lang::Zh));
            assert!(
                !blurb.is_empty() && blurb.chars().count() <= 61,
                "{}: {blurb}",
                example.stem
            );
        }
    }
}
