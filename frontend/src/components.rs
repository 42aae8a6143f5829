//! The relay status panel (the inspector's Relay tab). It reads a [`Status`] and lays it out;
//! all decisions live in [`crate::model::state`].

use crate::i18n::{Text, texts};
use crate::model::state::{Connection, Status, limit_rows};
use crate::views::{lang, notice, tr};
use leptos::prelude::*;
use warren_shared::{BrokerInfo, Hello, PROTOCOL_VERSION};

/// Connection state, protocol check, relay, broker and limits.
#[component]
pub fn StatusPanel(
    /// What the page knows about its relay.
    #[prop(into)]
    status: Signal<Status>,
    /// Called by the "Reconnect" button shown while disconnected; no button without it.
    #[prop(optional)]
    on_reconnect: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <ConnectionBar status=status on_reconnect=on_reconnect />
        {move || {
            status
                .with(Status::protocol_warning)
                .map(|warning| {
                    view! {
                        <p class="notice warning" role="alert" data-testid="protocol-warning">
                            {notice(warning)}
                        </p>
                    }
                })
        }}
        {move || {
            status
                .with(|s| s.last_error.clone())
                .map(|error| {
                    view! {
                        <p class="notice error" role="alert" data-testid="relay-error">
                            {notice(error)}
                        </p>
                    }
                })
        }}
        {move || {
            let (hello, stale) = status
                .with(|s| (s.hello.clone(), s.connection != Connection::Connected));
            match hello {
                Some(hello) => view! { <HelloCards hello=hello stale=stale /> }.into_any(),
                None => view! { <Waiting status=status /> }.into_any(),
            }
        }}
    }
}

/// The coloured connection line, with the reason when disconnected.
#[component]
fn ConnectionBar(status: Signal<Status>, on_reconnect: Option<Callback<()>>) -> impl IntoView {
    let label = move || status.with(|s| s.connection.label());
    let lang = lang();
    let words = move || status.with(|s| s.connection.words()).text(lang.get());
    let reason = move || {
        status.with(|s| match &s.connection {
            Connection::Disconnected { reason } => Some(view! {
                <span class="reason" data-testid="connection-reason">{notice(reason.clone())}</span>
            }),
            Connection::Connecting | Connection::Connected => None,
        })
    };
    let button = move || {
        let disconnected = status.with(|s| matches!(s.connection, Connection::Disconnected { .. }));
        on_reconnect.filter(|_| disconnected).map(|callback| {
            view! {
                <button type="button" data-testid="reconnect" on:click=move |_| callback.run(())>
                    {tr(Text::Reconnect)}
                </button>
            }
        })
    };

    view! {
        <section class="connection" data-testid="connection" data-state=label>
            <span class="dot" aria-hidden="true"></span>
            <div class="connection-text">
                <span class="state" data-testid="connection-state">{words}</span>
                <span class="url">{move || status.with(|s| s.url.clone())}</span>
                {reason}
            </div>
            {button}
        </section>
    }
}

/// Shown until the first hello arrives.
#[component]
fn Waiting(status: Signal<Status>) -> impl IntoView {
    move || {
        let disconnected = status.with(|s| matches!(s.connection, Connection::Disconnected { .. }));
        if disconnected {
            view! {
                <p class="waiting" data-testid="waiting">
                    {tr(Text::NeedsRelay)}
                    <code>"cargo xtask run"</code>
                    {tr(Text::FullStop)}
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="waiting" data-testid="waiting">
                    {tr(Text::WaitingForHello)}
                </p>
            }
            .into_any()
        }
    }
}

/// Relay, broker and limits, from one hello.
#[component]
fn HelloCards(hello: Hello, stale: bool) -> impl IntoView {
    let protocol_ok = hello.protocol_matches();
    let lang = lang();
    let protocol_note = move || {
        if protocol_ok {
            Text::MatchesPage.text(lang.get()).to_owned()
        } else {
            texts::expects_protocol(PROTOCOL_VERSION, lang.get())
        }
    };
    let limits = limit_rows(&hello.limits)
        .into_iter()
        .map(|(label, value)| view! { <dt>{tr(label)}</dt> <dd>{value}</dd> })
        .collect_view();
    let notes = hello
        .features
        .map(|f| f.notes)
        .unwrap_or_default()
        .into_iter()
        .map(|note| view! { <li data-testid="feature-note">{notice(note)}</li> })
        .collect_view();
    let broker = match (hello.broker, hello.broker_error) {
        (Some(broker), _) => view! { <Broker broker=broker /> }.into_any(),
        (None, Some(error)) => view! {
            <p class="notice error" data-testid="broker-error">{notice(error)}</p>
        }
        .into_any(),
        (None, None) => view! {
            <p class="muted" data-testid="broker-error">{tr(Text::NoBroker)}</p>
        }
        .into_any(),
    };

    view! {
        <div class="cards" class:stale=stale>
            <section class="card" data-testid="relay">
                <h2>{tr(Text::TabRelay)}</h2>
                <dl>
                    <dt>{tr(Text::Version)}</dt>
                    <dd data-testid="relay-version">{hello.warren_version}</dd>
                    <dt>{tr(Text::Protocol)}</dt>
                    <dd>
                        <span data-testid="protocol-version">{hello.protocol}</span>
                        " "
                        <span class="badge" class:bad=!protocol_ok>{protocol_note}</span>
                    </dd>
                </dl>
                {stale.then(|| view! { <p class="muted">{tr(Text::AsOfLastConnection)}</p> })}
            </section>
            <section class="card" data-testid="broker">
                <h2>{tr(Text::Broker)}</h2>
                {broker}
                <ul class="feature-notes">{notes}</ul>
            </section>
            <section class="card" data-testid="limits">
                <h2>{tr(Text::LimitsPerScenario)}</h2>
                <dl class="limits">{limits}</dl>
            </section>
        </div>
    }
}

/// A reachable broker: versions and nodes.
#[component]
fn Broker(broker: BrokerInfo) -> impl IntoView {
    let nodes = broker
        .nodes
        .into_iter()
        .map(|node| {
            let state = tr(if node.running { Text::Running } else { Text::Down });
            view! {
                <li class="node" data-testid="node" data-running=node.running.to_string()>
                    <span class="dot" aria-hidden="true"></span>
                    <span class="node-name">{node.name}</span>
                    <span class="node-state">{state}</span>
                </li>
            }
        })
        .collect_view();
    let optional = |value: String| {
        if value.is_empty() { "—".to_owned() } else { value }
    };

    view! {
        <dl>
            <dt>"RabbitMQ"</dt>
            <dd data-testid="broker-version">{broker.version}</dd>
            <dt>"Erlang/OTP"</dt>
            <dd data-testid="erlang-version">{optional(broker.erlang_version)}</dd>
            <dt>{tr(Text::Cluster)}</dt>
            <dd data-testid="cluster-name">{optional(broker.cluster_name)}</dd>
        </dl>
        <h3>{tr(Text::Nodes)}</h3>
        <ul class="nodes">{nodes}</ul>
    }
}
