//! The palette: add publishers, exchanges, queues, consumers and policies (click, or drag onto
//! the canvas), start from an empty scenario, undo and redo.

use super::{lang, tr};
use crate::i18n::{Text, texts};
use crate::model::edit;
use crate::model::layout::NodeKind;
use crate::model::run::Phase;
use crate::playground::Playground;
use crate::views::editing::{PALETTE_MIME, add_and_select};
use leptos::prelude::*;

/// What a new, empty scenario holds.
const EMPTY: &str = "{\n  \"version\": 1,\n  \"name\": \"My scenario\"\n}";

#[component]
pub(crate) fn Palette(pg: Playground, phase: Memo<Phase>) -> impl IntoView {
    let idle = move || !phase.get().active();
    let can_undo = move || pg.doc.with(|d| d.history.can_undo());
    let can_redo = move || pg.doc.with(|d| d.history.can_redo());
    let lang = lang();
    let items = [
        (NodeKind::Publisher, Text::Publisher, Text::PublisherHint),
        (NodeKind::Exchange, Text::Exchange, Text::ExchangeHint),
        (NodeKind::Queue, Text::Queue, Text::QueueHint),
        (NodeKind::Consumer, Text::Consumer, Text::ConsumerHint),
    ]
    .into_iter()
    .map(|(kind, label, hint)| {
        let name = kind.as_str();
        view! {
            <li>
                <button
                    type="button"
                    class=format!("palette-item kind-{name}")
                    data-testid=format!("palette-{name}")
                    draggable="true"
                    title=move || texts::add_help(label, hint, lang.get())
                    disabled=move || !idle()
                    on:click=move |_| add_and_select(pg, kind, None)
                    on:dragstart=move |ev: web_sys::DragEvent| {
                        if let Some(data) = ev.data_transfer() {
                            let _ = data.set_data(PALETTE_MIME, name);
                            data.set_effect_allowed("copy");
                        }
                    }
                >
                    <i aria-hidden="true"></i>
                    <span>{tr(label)}</span>
                </button>
            </li>
        }
    })
    .collect_view();
    let add_policy = move |_| {
        if let Some(added) = pg.change(edit::add_policy) {
            pg.select(Some(added));
        }
    };
    let start_empty = move |_| {
        pg.load_text(&EMPTY.replace("My scenario", Text::MyScenario.text(lang.get_untracked())));
    };
    view! {
        <h2 class="pane-title">{tr(Text::Build)}</h2>
        <ul class="palette" data-testid="palette">
            {items}
            <li>
                <button
                    type="button"
                    class="palette-item kind-policy"
                    data-testid="palette-policy"
                    title=tr(Text::PolicyHelp)
                    disabled=move || !idle()
                    on:click=add_policy
                >
                    <i aria-hidden="true"></i>
                    <span>{tr(Text::Policy)}</span>
                </button>
            </li>
        </ul>
        <div class="history-tools">
            <button
                type="button"
                data-testid="undo-button"
                title=tr(Text::UndoHelp)
                disabled=move || !idle() || !can_undo()
                on:click=move |_| {
                    pg.undo();
                }
            >
                {tr(Text::Undo)}
            </button>
            <button
                type="button"
                data-testid="redo-button"
                title=tr(Text::RedoHelp)
                disabled=move || !idle() || !can_redo()
                on:click=move |_| {
                    pg.redo();
                }
            >
                {tr(Text::Redo)}
            </button>
            <button
                type="button"
                data-testid="new-scenario"
                title=tr(Text::NewHelp)
                disabled=move || !idle()
                on:click=start_empty
            >
                {tr(Text::New)}
            </button>
        </div>
    }
}
