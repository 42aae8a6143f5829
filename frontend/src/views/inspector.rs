//! The inspector pane: what to look for in the scenario, its JSON (with import and export),
//! and the relay's status.

use super::element_form::selection_form;
use super::{lang, on_demand, problem_item, scenario_text, share, tr, when_first_shown};
use crate::components::StatusPanel;
use crate::i18n::{Text, texts};
use crate::model::run::Phase;
use crate::model::state::{Status, count};
use crate::playground::Playground;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    About,
    Selection,
    Json,
    Relay,
}

#[component]
pub(crate) fn Inspector(
    pg: Playground,
    status: RwSignal<Status>,
    phase: Memo<Phase>,
    on_reconnect: Option<Callback<()>>,
) -> impl IntoView {
    let tab = RwSignal::new(Tab::About);
    // Selecting something on the canvas opens its form.
    let selected = Memo::new(move |_| pg.doc.with(|d| d.selected.clone()));
    Effect::new(move |previous: Option<()>| {
        if selected.with(Option::is_some) && previous.is_some() {
            tab.set(Tab::Selection);
        }
    });
    let tab_button = move |which: Tab, label: Text, id: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string()
                data-testid=id
                on:click=move |_| tab.set(which)
            >
                {tr(label)}
            </button>
        }
    };
    let problem_count = move || pg.doc.with(|d| d.editor.problems.len());
    view! {
        <div class="tabs" role="tablist">
            {tab_button(Tab::About, Text::TabAbout, "tab-about")}
            {tab_button(Tab::Selection, Text::TabEdit, "tab-edit")}
            {tab_button(Tab::Json, Text::TabJson, "tab-json")}
            {tab_button(Tab::Relay, Text::TabRelay, "tab-relay")}
            {move || {
                (problem_count() > 0)
                    .then(|| {
                        view! {
                            <span class="problem-badge" title=tr(Text::ProblemsInJson)>
                                {problem_count()}
                            </span>
                        }
                    })
            }}
        </div>
        <div class="tab-body" class:hidden=move || tab.get() != Tab::About>
            <About pg=pg />
        </div>
        <div class="tab-body edit" class:hidden=move || tab.get() != Tab::Selection>
            {when_first_shown(move || tab.get() == Tab::Selection, move || selection_form(pg))}
        </div>
        <div class="tab-body json" class:hidden=move || tab.get() != Tab::Json>
            {when_first_shown(move || tab.get() == Tab::Json, move || json_editor(pg, phase))}
        </div>
        <div class="tab-body relay" class:hidden=move || tab.get() != Tab::Relay>
            {when_first_shown(move || tab.get() == Tab::Relay, move || relay_panel(status, on_reconnect))}
        </div>
    }
}

#[component]
fn About(pg: Playground) -> impl IntoView {
    let lang = lang();
    let info = move || {
        let lang = lang.get();
        pg.doc.with(|d| {
            let example = d.example();
            d.editor.scenario.as_ref().map(|s| {
                (
                    example.as_ref().map_or_else(|| s.name.clone(), |e| e.name_in(lang)),
                    example
                        .as_ref()
                        .map_or_else(|| s.description.clone(), |e| e.description_in(lang)),
                    texts::shape(
                        [
                            s.publishers.len(),
                            s.exchanges.len(),
                            s.queues.len(),
                            s.bindings.len(),
                            s.consumers.len(),
                        ],
                        &count(s.total_messages()),
                        lang,
                    ),
                    d.editor.example.is_some(),
                    d.editor.problems.len(),
                )
            })
        })
    };
    move || {
        info().map(|(name, description, shape, from_gallery, problems)| {
            let lang = lang.get_untracked();
            let description = if description.is_empty() {
                Text::NoDescription.text(lang).to_owned()
            } else {
                description
            };
            view! {
                <h2 class="about-name">{if name.is_empty() { Text::UntitledScenario.text(lang).to_owned() } else { name }}</h2>
                <p class="shape">{shape}</p>
                {(problems > 0)
                    .then(|| {
                        view! {
                            <p class="notice error" data-testid="about-problems">
                                {texts::about_problems(problems, lang)}
                            </p>
                        }
                    })}
                <h3>
                    {if from_gallery { Text::WhatToLookFor.text(lang) } else { Text::Description.text(lang) }}
                </h3>
                <p class="description" data-testid="description" lang=lang.code()>
                    {description}
                </p>
                <p class="hint">
                    {Text::RunHintPress.text(lang)} <kbd>"Ctrl"</kbd> "+" <kbd>"Enter"</kbd> {Text::RunHintRun.text(lang)} <kbd>"Esc"</kbd>
                    {Text::RunHintStop.text(lang)}
                </p>
            }
        })
    }
}

on_demand! {
    /// The JSON tab.
    pub(crate) fn json_editor(pg: Playground, phase: Memo<Phase>) -> AnyView {
        view! { <JsonEditor pg=pg phase=phase /> }.into_any()
    }
    preload: preload_json_editor
}

on_demand! {
    /// The Relay tab.
    pub(crate) fn relay_panel(status: RwSignal<Status>, on_reconnect: Option<Callback<()>>) -> AnyView {
        match on_reconnect {
            Some(callback) => view! { <StatusPanel status=status on_reconnect=callback /> }.into_any(),
            None => view! { <StatusPanel status=status /> }.into_any(),
        }
    }
    preload: preload_relay_panel
}

#[component]
fn JsonEditor(pg: Playground, phase: Memo<Phase>) -> impl IntoView {
    let text = scenario_text(pg);
    let area = NodeRef::<leptos::html::Textarea>::new();
    // Set the text only when it differs, so typing never moves the caret.
    Effect::new(move |_| {
        let text = text.get();
        if let Some(area) = area.get()
            && area.value() != text
        {
            area.set_value(&text);
        }
    });
    let problems = move || pg.doc.with(|d| d.editor.problems.clone());
    let importing = RwSignal::new(false);
    let paste = NodeRef::<leptos::html::Textarea>::new();
    // What went wrong with the last import or export (never swallowed).
    let file_error = RwSignal::new(None::<String>);
    let lang = lang();
    let apply_import = move |_| {
        if let Some(paste) = paste.get() {
            let text = paste.value();
            if text.trim().is_empty() {
                file_error.set(Some(Text::PasteFirst.text(lang.get_untracked()).to_owned()));
                return;
            }
            match pg.import(&text) {
                Err(error) => file_error.set(Some(texts::import_failed(
                    &texts::notice(&error, lang.get_untracked()),
                    lang.get_untracked(),
                ))),
                _ => {
                    file_error.set(None);
                    paste.set_value("");
                    importing.set(false);
                }
            }
        }
    };
    let import_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let chosen = input.clone();
        share::read_chosen_file(&input, move |result| {
            // The same file may be chosen again after an edit.
            chosen.set_value("");
            match result.and_then(|text| pg.import(&text)) {
                Ok(()) => file_error.set(None),
                Err(error) => file_error.set(Some(texts::import_failed(
                    &texts::notice(&error, lang.get_untracked()),
                    lang.get_untracked(),
                ))),
            }
        });
    };
    let export = move |_| {
        let (text, name) = pg.doc.with_untracked(|d| (d.editor.text.clone(), d.editor.file_name()));
        file_error.set(
            share::download(&name, &text)
                .err()
                .map(|e| texts::export_failed(&e, lang.get_untracked())),
        );
    };
    view! {
        <div class="json-tools">
            <button type="button" data-testid="import-button" on:click=move |_| importing.update(|v| *v = !*v)>
                {tr(Text::Import)}
            </button>
            <label class="button file" title=tr(Text::ImportFileHelp)>
                {tr(Text::ImportFile)}
                <input
                    type="file"
                    class="visually-hidden"
                    accept=".json,application/json"
                    data-testid="import-json"
                    disabled=move || phase.get().active()
                    on:change=import_file
                />
            </label>
            <button type="button" data-testid="export-json" title=tr(Text::ExportHelp) on:click=export>
                {tr(Text::Export)}
            </button>
            <span class="json-state" data-testid="json-state">
                {move || {
                    let n = pg.doc.with(|d| d.editor.problems.len());
                    if n == 0 { Text::ValidScenario.text(lang.get()).to_owned() } else { texts::problems(n, lang.get()) }
                }}
            </span>
        </div>
        <div class="import" class:hidden=move || !importing.get()>
            <textarea
                node_ref=paste
                data-testid="import-text"
                placeholder=tr(Text::PasteHere)
                spellcheck="false"
            ></textarea>
            <button type="button" data-testid="import-apply" on:click=apply_import>
                {tr(Text::LoadIt)}
            </button>
        </div>
        {move || {
            file_error
                .get()
                .map(|error| view! { <p class="notice error" data-testid="import-error" role="alert">{error}</p> })
        }}
        <textarea
            class="editor"
            node_ref=area
            data-testid="scenario-json"
            spellcheck="false"
            aria-label=tr(Text::ScenarioJson)
            readonly=move || phase.get().active()
            on:input=move |ev| {
                let value = event_target_value(&ev);
                pg.edit(&value);
            }
        ></textarea>
        <ul class="editor-problems" data-testid="editor-problems">
            {move || {
                problems().into_iter().map(|p| problem_item(p, "editor-problem")).collect_view()
            }}
        </ul>
    }
}
