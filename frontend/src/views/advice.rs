//! The notes of [`crate::model::advice`] on the canvas before a run: a mark on each box a note is
//! about (its text on hover) and the notes as a short list under the drawing, each selecting its
//! box when clicked. They never block a run, and they hide while one is going.

use leptos::prelude::*;

use super::lang;
use crate::i18n::{Lang, Text};
use crate::model::advice::{Advice, advise};
use crate::model::edit::Element;
use crate::model::layout::Layout;
use crate::playground::Playground;

/// Radius of the mark, in drawing units.
const MARK_RADIUS: f64 = 8.0;

/// The notes for the scenario being edited; none while a run is going.
fn notes(pg: Playground) -> Memo<Vec<Advice>> {
    Memo::new(move |_| {
        if pg.run.with(|r| r.phase().active()) {
            return Vec::new();
        }
        pg.doc.with(|d| {
            d.editor
                .scenario
                .as_ref()
                .map(|s| advise(s, &d.layout))
                .unwrap_or_default()
        })
    })
}

fn text(advice: &Advice, lang: Lang) -> String {
    match lang {
        Lang::En => advice.kind.english(),
        Lang::Zh => advice.kind.chinese(),
    }
}

/// A mark at the top right of each box a note is about; inside the canvas's SVG.
#[component]
pub(crate) fn AdviceMarks(pg: Playground, layout: Memo<Layout>) -> impl IntoView {
    let notes = notes(pg);
    let lang = lang();
    move || {
        let lang = lang.get();
        notes.with(|notes| {
            layout.with(|l| {
                notes
                    .iter()
                    .filter_map(|advice| {
                        let node = l.nodes.get(advice.node)?;
                        let (x, y) = (node.x + node.w - 2.0, node.y + 2.0);
                        let said = text(advice, lang);
                        Some(view! {
                            <g class="advice-mark" data-testid="advice-mark" data-node=node.name.clone()>
                                <title>{said}</title>
                                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r=MARK_RADIUS></circle>
                                <text x=format!("{x:.1}") y=format!("{:.1}", y + 4.0) text-anchor="middle">
                                    "!"
                                </text>
                            </g>
                        })
                    })
                    .collect_view()
            })
        })
    }
}

/// The notes as a list under the drawing; it can be put away until the notes change.
#[component]
pub(crate) fn AdviceList(pg: Playground, layout: Memo<Layout>) -> impl IntoView {
    let notes = notes(pg);
    let lang = lang();
    let hidden = RwSignal::new(false);
    Effect::new(move |_| {
        notes.track();
        hidden.set(false);
    });
    move || {
        if hidden.get() {
            return None;
        }
        let lang = lang.get();
        let items = notes.with(|notes| {
            layout.with(|l| {
                notes
                    .iter()
                    .filter_map(|advice| {
                        let node = l.nodes.get(advice.node)?;
                        let element = Element::Node(node.kind, node.name.clone());
                        let said = text(advice, lang);
                        let label = node.label.clone();
                        Some(view! {
                            <li data-testid="advice-note">
                                <button type="button" on:click=move |_| pg.select(Some(element.clone()))>
                                    <b>{label}</b>
                                    ": "
                                    {said}
                                </button>
                            </li>
                        })
                    })
                    .collect::<Vec<_>>()
            })
        });
        (!items.is_empty()).then(|| {
            let (heading, hide) = (Text::BeforeYouRun.text(lang), Text::HideNotes.text(lang));
            view! {
                <section class="advice" data-testid="advice" aria-label=heading>
                    <h3>
                        {heading}
                        <button type="button" class="advice-hide" title=hide aria-label=hide on:click=move |_| hidden.set(true)>
                            "×"
                        </button>
                    </h3>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}
