//! Throughput of Warren's runner against a bare lapin loop, measured in one invocation.
//!
//! Both sides publish the same number of persistent messages with streaming confirms (the same
//! window) to one durable queue and consume them with the same prefetch, acking each message.
//! Warren's side runs the real runner and serialises every event into the JSON frames a browser
//! would receive; the bare side does only the AMQP work. The rate is messages per second from the
//! first publish to the last consumer ack. Run with `cargo xtask bench` (release build).

use clap::Parser;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use warren_relay::connect::{Broker, BrokerConfig};
use warren_relay::{run, vhost};
use warren_shared::{Event, EventKind, Scenario, ServerMessage};

#[derive(Debug, Parser)]
struct Args {
    /// Messages per side.
    #[arg(long, default_value_t = 100_000)]
    messages: u64,
    /// Streaming-confirm window (most unconfirmed messages).
    #[arg(long, default_value_t = 1000)]
    window: u32,
    /// Consumer prefetch.
    #[arg(long, default_value_t = 1000)]
    prefetch: u16,
    /// AMQP URL (default: the managed broker).
    #[arg(long, env = "WARREN_AMQP_URL")]
    amqp_url: Option<String>,
    /// Management URL (default: the managed broker).
    #[arg(long, env = "WARREN_MANAGEMENT_URL")]
    management_url: Option<String>,
}

const QUEUE: &str = "bench-queue";

fn scenario(args: &Args) -> Scenario {
    let json = serde_json::json!({
        "version": 1,
        "name": "benchmark",
        "settings": {"max_duration_ms": 600_000, "settle_ms": 500},
        "queues": [{"name": QUEUE}],
        "publishers": [{
            "name": "producer", "exchange": "", "routing_key": QUEUE, "count": args.messages,
            "persistent": true, "confirm": {"mode": "stream", "window": args.window}
        }],
        "consumers": [{"name": "consumer", "queue": QUEUE, "prefetch": args.prefetch}]
    });
    match warren_shared::parse_scenario(&json) {
        Ok(scenario) => scenario,
        Err(problems) => panic!("benchmark scenario is invalid: {problems:?}"),
    }
}

/// Warren's runner, with every event serialised as the browser's frames. Returns (rate, bytes).
async fn warren(broker: &Broker, args: &Args) -> (f64, usize) {
    let scenario = scenario(args);
    let (tx, mut rx) = mpsc::channel::<Event>(4096);
    let frames = tokio::spawn(async move {
        let mut bytes = 0;
        let (mut first_publish, mut last_ack) = (None, 0);
        let mut batch = Vec::with_capacity(512);
        while rx.recv_many(&mut batch, 512).await > 0 {
            for event in &batch {
                match event.kind {
                    EventKind::Published { .. } if first_publish.is_none() => first_publish = Some(event.t_ms),
                    EventKind::Settled { .. } => last_ack = event.t_ms,
                    _ => {}
                }
            }
            let message = ServerMessage::Events {
                run_id: String::new(),
                events: std::mem::take(&mut batch),
            };
            bytes += serde_json::to_string(&message).map_or(0, |s| s.len());
        }
        (first_publish.unwrap_or(0), last_ack, bytes)
    });
    let summary = run::execute(&scenario, broker, &vhost::new_run_id(), tx, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("the run could not start: {e}"));
    let (first, last, bytes) = frames.await.unwrap_or_default();
    let delivered = summary.delivered_total() as u64;
    assert_eq!(delivered, args.messages, "every message must be delivered once");
    let seconds = (last.saturating_sub(first)).max(1) as f64 / 1000.0;
    (args.messages as f64 / seconds, bytes)
}

/// The same work with lapin alone. Returns the rate.
async fn bare(broker: &Broker, args: &Args, messages: u64) -> f64 {
    let vhost = vhost::for_run(&vhost::new_run_id());
    broker
        .management
        .create_vhost(&vhost, "Warren benchmark baseline")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let connection = Connection::connect(
        &broker.endpoints.amqp_url_for_vhost(&vhost),
        ConnectionProperties::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("connect: {e}"));
    let publish = connection.create_channel().await.unwrap_or_else(|e| panic!("{e}"));
    let consume = connection.create_channel().await.unwrap_or_else(|e| panic!("{e}"));
    publish
        .queue_declare(
            QUEUE.into(),
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    publish
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    consume
        .basic_qos(args.prefetch, BasicQosOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut deliveries = consume
        .basic_consume(
            QUEUE.into(),
            "bare".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let consumer = tokio::spawn(async move {
        let mut seen = 0;
        while seen < messages {
            match deliveries.next().await {
                Some(Ok(delivery)) => {
                    let _ = delivery.ack(BasicAckOptions::default()).await;
                    seen += 1;
                }
                _ => break,
            }
        }
        (seen, Instant::now())
    });
    let started = Instant::now();
    let mut pending = FuturesUnordered::new();
    let window = args.window.max(1) as usize;
    for n in 1..=messages {
        let id = format!("bare#{n}");
        let confirm = publish
            .basic_publish(
                "".into(),
                QUEUE.into(),
                BasicPublishOptions::default(),
                format!("message {n}").as_bytes(),
                BasicProperties::default()
                    .with_message_id(id.into())
                    .with_delivery_mode(2),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        pending.push(confirm);
        while pending.len() >= window {
            let _ = pending.next().await;
        }
    }
    while pending.next().await.is_some() {}
    let (seen, finished) = consumer.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen, messages);
    let _ = connection.close(200, "done".into()).await;
    let _ = broker.management.delete_vhost(&vhost).await;
    messages as f64 / finished.duration_since(started).as_secs_f64()
}

/// Peak resident memory of this process, from /proc (kB).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = BrokerConfig {
        amqp_url: args.amqp_url.clone(),
        management_url: args.management_url.clone(),
    };
    let broker = Broker::resolve(&config).await.unwrap_or_else(|e| panic!("{e}"));
    let version = broker.version().await;
    println!(
        "Warren benchmark: {} persistent messages each way, streaming confirms (window {}), prefetch {}, RabbitMQ {version}",
        args.messages, args.window, args.prefetch
    );
    // Warm the broker up so that neither side pays for a cold start.
    let _ = bare(&broker, &args, args.messages.min(5_000)).await;
    let before = peak_rss_kb().unwrap_or(0);
    let (warren_rate, bytes) = warren(&broker, &args).await;
    let after = peak_rss_kb().unwrap_or(0);
    let bare_rate = bare(&broker, &args, args.messages).await;
    let ratio = warren_rate / bare_rate;
    println!("bare lapin loop:   {bare_rate:>9.0} msg/s");
    println!(
        "Warren runner:     {warren_rate:>9.0} msg/s  ({:.1} MB of browser frames)",
        bytes as f64 / 1e6
    );
    println!("ratio Warren/bare: {ratio:.2} (goal: at least 0.80)");
    println!(
        "relay peak memory: {:.1} MB (process peak before the Warren run: {:.1} MB)",
        after as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
