//! The inspector's Selection tab: a form for the selected element (fields from
//! [`crate::model::form`], each with its validation problems as you type), the element's whole JSON,
//! and Delete. With nothing selected: the scenario's name, description and policies.

use crate::i18n::{Lang, Text, texts};
use crate::model::document::Document;
use crate::model::edit::{self, Element};
use crate::model::exercise::locks;
use crate::model::form::{self, Control, Field};
use crate::model::layout::NodeKind;
use crate::playground::Playground;
use crate::views::{lang, notice, scenario_text, tr};
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

/// The selected element's path (`queues[1]`): the form is built anew only when it changes,
/// so typing a new name (which renames the element) keeps the caret in place.
fn selected_path(d: &Document) -> Option<(Element, String)> {
    let element = d.selected.clone()?;
    let path = element.path(d.editor.scenario.as_ref()?)?;
    Some((element, path))
}

super::on_demand! {
    /// The selection's form as a view.
    pub(crate) fn selection_form(pg: Playground) -> AnyView {
        view! { <SelectionForm pg=pg /> }.into_any()
    }
    preload: preload_selection_form
}

#[component]
fn SelectionForm(pg: Playground) -> impl IntoView {
    let key = Memo::new(move |_| {
        pg.doc.with(|d| {
            selected_path(d).map(|(element, path)| (std::mem::discriminant(&element), kind_of(&element), path))
        })
    });
    move || match key.get() {
        None => view! { <ScenarioForm pg=pg /> }.into_any(),
        Some((_, _, path)) => {
            let element = pg
                .doc
                .with_untracked(|d| d.selected.clone())
                .unwrap_or(Element::Step(0));
            view! { <ElementForm pg=pg element=element path=path /> }.into_any()
        }
    }
}

fn kind_of(element: &Element) -> Option<NodeKind> {
    match element {
        Element::Node(kind, _) => Some(*kind),
        _ => None,
    }
}

fn title(element: &Element, lang: Lang) -> String {
    let t = |text: Text| text.text(lang);
    match element {
        Element::Node(kind, name) => {
            let kind = match kind {
                NodeKind::Publisher => Text::KindPublisher,
                NodeKind::Exchange => Text::KindExchange,
                NodeKind::Queue => Text::KindQueue,
                NodeKind::Consumer => Text::KindConsumer,
            };
            format!("{} {}", t(kind), if name.is_empty() { t(Text::Default) } else { name })
        }
        Element::Binding(i) => format!("{} #{}", t(Text::KindBinding), i + 1),
        Element::Policy(i) => format!("{} #{}", t(Text::KindPolicy), i + 1),
        Element::Step(i) => format!("{} #{}", t(Text::KindStep), i + 1),
    }
}

#[component]
fn ElementForm(pg: Playground, element: Element, path: String) -> impl IntoView {
    // The element's JSON is the whole scenario serialised: only when the text or the
    // selection changes.
    let text = scenario_text(pg);
    let selected = Memo::new(move |_| pg.doc.with(|d| d.selected.clone()));
    let value = Memo::new(move |_| {
        text.track();
        let element = selected.get()?;
        pg.doc
            .with_untracked(|d| edit::element_value(d.editor.scenario.as_ref()?, &element))
    });
    let lang = lang();
    let heading = move || {
        let lang = lang.get();
        pg.doc
            .with(|d| d.selected.as_ref().map(|e| title(e, lang)).unwrap_or_default())
    };
    let fields = form::fields(&element);
    let pointers: Vec<&'static str> = fields.iter().map(|f| f.pointer).collect();
    let other_problems = {
        let path = path.clone();
        move || {
            pg.doc.with(|d| {
                form::unclaimed(&d.editor.problems, &path, &pointers)
                    .into_iter()
                    .map(|p| (p.path.clone(), p.message.clone()))
                    .collect::<Vec<_>>()
            })
        }
    };
    // What an exercise locks of this element: its fields say so (and the builder refuses them).
    let lock = Memo::new(move |_| {
        pg.doc.with(|d| {
            let s = d.editor.scenario.as_ref()?;
            Some(locks::lock_of_element(&locks::locked_paths(s), s, d.selected.as_ref()?))
        })
    });
    let rows = fields
        .into_iter()
        .map(|f| {
            let shown =
                move || !f.when_present || value.with(|v| v.as_ref().and_then(|v| form::read(v, f.pointer)).is_some());
            let field = f.pointer.trim_start_matches('/').split('/').next().unwrap_or_default();
            let locked = move || lock.with(|l| l.as_ref().is_some_and(|l| l.field(field)));
            let row = field_row(pg, value, path.clone(), f);
            view! {
                <div
                    class="form-row"
                    class:hidden=move || !shown()
                    class:locked=locked
                    title=move || locked().then(|| lock.with(|l| l.as_ref().map(|l| texts::locked(l, lang.get()))))
                >
                    {row}
                </div>
            }
        })
        .collect_view();
    let whole = json_area(pg, value, None);
    let delete = move |_| {
        pg.delete_selected();
    };
    view! {
        <div class="element-form" data-testid="element-form" data-path=path.clone()>
            <div class="form-head">
                <h3 data-testid="element-title">{heading}</h3>
                <button type="button" class="danger" data-testid="delete-element" title=tr(Text::DeleteHelp) on:click=delete>
                    {tr(Text::Delete)}
                </button>
            </div>
            <ul class="form-problems">
                {move || {
                    other_problems()
                        .into_iter()
                        .map(|(path, message)| {
                            let message = notice(message);
                            view! { <li class="field-problem">{path}": "{message}</li> }
                        })
                        .collect_view()
                }}
            </ul>
            {rows}
            <details class="whole-json">
                <summary>{tr(Text::AllFieldsAsJson)}</summary>
                {whole}
            </details>
        </div>
    }
}

/// Set the value at `pointer` of the selected element; a refusal is shown at the field.
fn commit(pg: Playground, pointer: &'static str, new: Option<Value>, error: RwSignal<Option<String>>) {
    let Some(element) = pg.doc.with_untracked(|d| d.selected.clone()) else {
        return;
    };
    let group = format!("form:{pointer}");
    let now = pg.try_change_in(Some(&group), |s| {
        let mut value = edit::element_value(s, &element).ok_or(Text::ElementGone.text(Lang::En))?;
        form::write(&mut value, pointer, new);
        edit::set_element_value(s, &element, value)
    });
    match now {
        Some(now) => {
            pg.select(Some(now));
            error.set(None);
        }
        None => error.set(pg.doc.try_update(|d| d.edit_error.take()).flatten()),
    }
}

fn field_row(pg: Playground, value: Memo<Option<Value>>, path: String, f: Field) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = format!("field{}", f.pointer.replace('/', "-"));
    let testid = format!("field-{}", f.pointer.trim_start_matches('/').replace('/', "."));
    let text = move || {
        value.with(|v| {
            let current = v.as_ref().and_then(|v| form::read(v, f.pointer));
            match (f.control, current) {
                (Control::Shape(shapes), current) => form::shape_of(current, shapes).to_string(),
                (_, Some(Value::String(s))) => s.clone(),
                (_, Some(Value::Null) | None) => String::new(),
                (_, Some(other)) => other.to_string(),
            }
        })
    };
    let entered = move |v: String| match entry(f.control, &v) {
        Some(Ok(new)) => commit(pg, f.pointer, new, error),
        Some(Err(message)) => error.set(Some(message)),
        None => {}
    };
    let control = match f.control {
        Control::Text | Control::Number | Control::OptionalNumber => {
            text_input(text, testid, id.clone(), entered).into_any()
        }
        Control::Json => json_area(pg, value, Some((f.pointer, error))).into_any(),
        Control::Flag => view! {
            <input
                type="checkbox"
                id=id.clone()
                data-testid=testid
                prop:checked=move || value.with(|v| v.as_ref().and_then(|v| form::read(v, f.pointer)) == Some(&Value::Bool(true)))
                on:change=move |ev| entered(event_target_checked(&ev).to_string())
            />
        }
        .into_any(),
        control => {
            let options = options(pg, control, text());
            select(text, testid, id.clone(), options, entered).into_any()
        }
    };
    let problems = move || {
        pg.doc.with(|d| {
            form::problems_at(&d.editor.problems, &path, f.pointer)
                .into_iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <label for=id>{tr(f.label)}</label>
        {control}
        <ul class="field-problems">
            {move || error.get().map(|e| view! { <li class="field-problem" data-testid="field-error">{notice(e)}</li> })}
            {move || problems().into_iter().map(|m| view! { <li class="field-problem" data-testid="field-problem">{notice(m)}</li> }).collect_view()}
        </ul>
    }
}

/// What the user typed or chose in a field of `control`, as the value to store (`None` removes
/// the key), or why it cannot be stored; `None` when there is nothing to do.
fn entry(control: Control, text: &str) -> Option<Result<Option<Value>, String>> {
    let string = || Some(Value::String(text.to_owned()));
    Some(match control {
        Control::Text => Ok(string()),
        Control::Number | Control::OptionalNumber => {
            let v = text.trim();
            if v.is_empty() {
                if control == Control::OptionalNumber {
                    Ok(None)
                } else {
                    Err(Text::NeedsNumber.text(Lang::En).to_owned())
                }
            } else {
                match serde_json::from_str::<serde_json::Number>(v) {
                    Ok(n) => Ok(Some(Value::Number(n))),
                    Err(_) => Err(format!("{v:?} is not a number")),
                }
            }
        }
        Control::Flag => Ok(Some(Value::Bool(text == "true"))),
        Control::Choice(_) => Ok((!text.is_empty()).then(string).flatten()),
        Control::Reference { optional, .. } => Ok(if text.is_empty() && optional { None } else { string() }),
        Control::Shape(shapes) => {
            let (_, default) = text.parse::<usize>().ok().and_then(|i| shapes.get(i))?;
            let new: Value = serde_json::from_str(default).unwrap_or(Value::Null);
            Ok((!new.is_null()).then_some(new))
        }
        Control::Json => serde_json::from_str::<Value>(text)
            .map(Some)
            .map_err(|e| format!("{}{e}", Text::FieldNotJsonYet.text(Lang::En))),
    })
}

/// What a choice of a select shows: words of the page or a name from the scenario.
#[derive(Debug, Clone)]
enum Shown {
    /// Words that follow the language.
    Words(Text),
    /// A name, as it is.
    Name(String),
}

/// The choices (value, label) of a select for `control`; `now` is the value it shows.
fn options(pg: Playground, control: Control, now: String) -> Vec<(String, Shown)> {
    match control {
        Control::Choice(options) => options
            .iter()
            .map(|(v, l)| ((*v).to_owned(), Shown::Words(*l)))
            .collect(),
        Control::Shape(shapes) => shapes
            .iter()
            .enumerate()
            .map(|(i, (label, _))| (i.to_string(), Shown::Words(*label)))
            .collect(),
        Control::Reference { kind, optional } => {
            let mut options: Vec<(String, Shown)> = pg.doc.with_untracked(|d| {
                let s = d.editor.scenario.as_ref();
                let names: Vec<String> = match kind {
                    NodeKind::Queue => s.map(|s| s.queues.iter().map(|q| q.name.clone()).collect()),
                    _ => s.map(|s| s.exchanges.iter().map(|e| e.name.clone()).collect()),
                }
                .unwrap_or_default();
                names.into_iter().map(|n: String| (n.clone(), Shown::Name(n))).collect()
            });
            if optional {
                options.insert(0, (String::new(), Shown::Words(Text::None)));
            } else if kind == NodeKind::Exchange {
                options.insert(0, (String::new(), Shown::Words(Text::DefaultExchange)));
            }
            // A name the scenario does not declare (a built-in exchange) stays choosable.
            if !options.iter().any(|(v, _)| *v == now) {
                options.push((now.clone(), Shown::Name(now)));
            }
            options
        }
        _ => Vec::new(),
    }
}

/// Keep a field's text in step with the scenario, except while the user is typing in it.
fn follow(node: NodeRef<leptos::html::Input>, text: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let text = text();
        if let Some(input) = node.get()
            && !focused(&input)
            && input.value() != text
        {
            input.set_value(&text);
        }
    });
}

fn focused(element: &web_sys::HtmlElement) -> bool {
    document()
        .active_element()
        .is_some_and(|active| active == *element.unchecked_ref::<web_sys::Element>())
}

fn text_input(
    text: impl Fn() -> String + Copy + 'static,
    testid: String,
    id: String,
    on_input: impl Fn(String) + 'static,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Input>::new();
    follow(node, text);
    view! {
        <input
            type="text"
            id=id
            node_ref=node
            data-testid=testid
            value=text()
            spellcheck="false"
            on:input=move |ev| on_input(event_target_value(&ev))
        />
    }
}

fn select(
    chosen: impl Fn() -> String + Copy + Send + Sync + 'static,
    testid: String,
    id: String,
    options: Vec<(String, Shown)>,
    on_change: impl Fn(String) + 'static,
) -> impl IntoView {
    let lang = lang();
    let options = options
        .into_iter()
        .map(|(value, label)| {
            let selected = value.clone();
            let label = move || match &label {
                Shown::Words(text) => text.text(lang.get()).to_owned(),
                Shown::Name(name) => name.clone(),
            };
            view! { <option value=value selected=move || chosen() == selected>{label}</option> }
        })
        .collect_view();
    view! {
        <select id=id data-testid=testid prop:value=chosen on:change=move |ev| on_change(event_target_value(&ev))>
            {options}
        </select>
    }
}

/// JSON of a part of the element (`pointer`), or of all of it; applied when it parses.
fn json_area(
    pg: Playground,
    value: Memo<Option<Value>>,
    part: Option<(&'static str, RwSignal<Option<String>>)>,
) -> impl IntoView {
    let error = part.map_or_else(|| RwSignal::new(None::<String>), |(_, e)| e);
    let pointer = part.map(|(p, _)| p);
    let text = move || {
        value.with(|v| {
            let v = v.as_ref().and_then(|v| match pointer {
                Some(p) => form::read(v, p),
                None => Some(v),
            });
            v.map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
                .unwrap_or_default()
        })
    };
    let node = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        let text = text();
        if let Some(area) = node.get()
            && !focused(&area)
            && area.value() != text
        {
            area.set_value(&text);
        }
    });
    let testid = match pointer {
        Some(p) => format!("field-{}", p.trim_start_matches('/').replace('/', ".")),
        None => "element-json".to_owned(),
    };
    let on_input = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        if raw.trim().is_empty() {
            if let Some(p) = pointer {
                commit(pg, p, None, error);
            }
            return;
        }
        match serde_json::from_str::<Value>(&raw) {
            Err(e) => error.set(Some(format!("{}{e}", Text::FieldNotJsonYet.text(Lang::En)))),
            Ok(new) => match pointer {
                Some(p) => commit(pg, p, Some(new), error),
                None => commit(pg, "", Some(new), error),
            },
        }
    };
    view! {
        <textarea class="json-field" node_ref=node data-testid=testid spellcheck="false" rows="4" on:input=on_input>
            {text()}
        </textarea>
        {pointer.is_none().then(|| view! {
            <ul class="field-problems">
                {move || error.get().map(|e| view! { <li class="field-problem" data-testid="field-error">{notice(e)}</li> })}
            </ul>
        })}
    }
}

/// With nothing selected: the scenario's own fields and its policies.
#[component]
fn ScenarioForm(pg: Playground) -> impl IntoView {
    let name = move || {
        pg.doc
            .with(|d| d.editor.scenario.as_ref().map(|s| s.name.clone()).unwrap_or_default())
    };
    let description = move || {
        pg.doc.with(|d| {
            d.editor
                .scenario
                .as_ref()
                .map(|s| s.description.clone())
                .unwrap_or_default()
        })
    };
    let policies = move || {
        pg.doc.with(|d| {
            d.editor
                .scenario
                .as_ref()
                .map(|s| {
                    s.policies
                        .iter()
                        .map(|p| (p.name.clone(), p.pattern.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let set_name = move |v: String| {
        pg.change_in(Some("form:scenario-name"), |s| s.name = v);
    };
    let desc_node = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        let text = description();
        if let Some(area) = desc_node.get()
            && !focused(&area)
            && area.value() != text
        {
            area.set_value(&text);
        }
    });
    view! {
        <div class="element-form" data-testid="scenario-form">
            <p class="hint">
                {tr(Text::EditHint)}
            </p>
            <div class="form-row">
                <label for="scenario-name">{tr(Text::ScenarioName)}</label>
                {text_input(name, "field-scenario-name".to_owned(), "scenario-name".to_owned(), set_name)}
            </div>
            <div class="form-row">
                <label for="scenario-description">{tr(Text::Description)}</label>
                <textarea
                    id="scenario-description"
                    node_ref=desc_node
                    rows="4"
                    data-testid="field-scenario-description"
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        pg.change_in(Some("form:scenario-description"), |s| s.description = v);
                    }
                >
                    {description()}
                </textarea>
            </div>
            <h3>{tr(Text::Policies)}</h3>
            <ul class="policy-list" data-testid="policy-list">
                {move || {
                    policies()
                        .into_iter()
                        .enumerate()
                        .map(|(i, (name, pattern))| {
                            view! {
                                <li>
                                    <button type="button" on:click=move |_| pg.select(Some(Element::Policy(i)))>
                                        {name}
                                        " "
                                        <code>{pattern}</code>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_parsed_and_an_empty_optional_number_is_removed() {
        assert_eq!(entry(Control::Number, " 12 "), Some(Ok(Some(json!(12)))));
        assert_eq!(entry(Control::OptionalNumber, "  "), Some(Ok(None)));
        assert_eq!(
            entry(Control::Number, ""),
            Some(Err(Text::NeedsNumber.text(Lang::En).to_owned()))
        );
        assert_eq!(
            entry(Control::Number, "x1"),
            Some(Err("\"x1\" is not a number".to_owned()))
        );
    }

    #[test]
    fn text_flags_choices_and_references_become_their_values() {
        assert_eq!(entry(Control::Text, ""), Some(Ok(Some(json!("")))));
        assert_eq!(entry(Control::Flag, "true"), Some(Ok(Some(json!(true)))));
        assert_eq!(entry(Control::Flag, "false"), Some(Ok(Some(json!(false)))));
        assert_eq!(entry(Control::Choice(&[]), ""), Some(Ok(None)));
        assert_eq!(entry(Control::Choice(&[]), "lazy"), Some(Ok(Some(json!("lazy")))));
        let optional = Control::Reference {
            kind: NodeKind::Queue,
            optional: true,
        };
        let required = Control::Reference {
            kind: NodeKind::Exchange,
            optional: false,
        };
        assert_eq!(entry(optional, ""), Some(Ok(None)));
        assert_eq!(entry(required, ""), Some(Ok(Some(json!("")))));
        assert_eq!(entry(optional, "q"), Some(Ok(Some(json!("q")))));
    }

    #[test]
    fn a_shape_is_chosen_by_index_with_its_defaults() {
        let shapes: &'static [(Text, &'static str)] =
            &[(Text::ChoiceNone, "null"), (Text::ChoiceBatch, r#"{"size":10}"#)];
        assert_eq!(entry(Control::Shape(shapes), "1"), Some(Ok(Some(json!({"size": 10})))));
        assert_eq!(entry(Control::Shape(shapes), "0"), Some(Ok(None)));
        assert_eq!(entry(Control::Shape(shapes), "7"), None);
    }
}
