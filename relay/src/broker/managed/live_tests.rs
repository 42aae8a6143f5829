//! Tests against the real managed cluster (they need `rabbitmq-server` and root, so they are
//! ignored by default); each leaves the cluster running.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{ManagedBroker, POLL_INTERVAL, nodes_on_disk};
use crate::broker::management::Management;

/// Sends one management API request as guest, for what the client under test does not do.
async fn raw(method: reqwest::Method, path: &str, body: serde_json::Value) -> u16 {
    reqwest::Client::new()
        .request(method, format!("http://127.0.0.1:15701{path}"))
        .basic_auth("guest", Some("guest"))
        .json(&body)
        .send()
        .await
        .expect("request sent")
        .status()
        .as_u16()
}

/// The first node's view of the cluster: each member and whether it runs.
async fn seed_view() -> Vec<(String, bool)> {
    let management = Management::new("http://guest:guest@127.0.0.1:15701").expect("client");
    let info = management.overview().await.expect("overview from warren-1");
    info.nodes.into_iter().map(|n| (n.name, n.running)).collect()
}

fn all_three(running: [bool; 3]) -> Vec<(String, bool)> {
    (1..=3)
        .zip(running)
        .map(|(i, running)| (format!("warren-{i}@localhost"), running))
        .collect()
}

/// Starts Warren's cluster for real (needs rabbitmq-server and root), reuses it, and leaves it
/// running.
/// `cargo test -p warren-relay --lib broker::managed -- --ignored --nocapture --test-threads 1`
#[tokio::test]
#[ignore = "starts a real RabbitMQ cluster"]
async fn starts_and_reuses_a_real_cluster() {
    use crate::broker::management::ManagementError;
    use reqwest::Method;
    use serde_json::json;
    use warren_shared::scenario::Policy;

    let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
    let began = Instant::now();
    let endpoints = broker.ensure_running().await.expect("cluster starts");
    println!("first ensure_running took {:?}", began.elapsed());
    let began = Instant::now();
    let again = broker.ensure_running().await.expect("cluster reused");
    let reuse = began.elapsed();
    println!("second ensure_running took {reuse:?}");
    assert_eq!(endpoints, again);
    assert!(reuse < Duration::from_secs(1), "reuse took {reuse:?}");
    assert_eq!(endpoints.nodes.len(), 3);
    assert_eq!(seed_view().await, all_three([true; 3]));
    for node in &endpoints.nodes {
        let info = Management::new(&node.management_url)
            .expect("client")
            .overview()
            .await
            .expect("each node's API answers");
        assert_eq!(info.cluster_name, "warren");
        assert_eq!(info.nodes.len(), 3, "{} sees {:?}", node.name, info.nodes);
    }

    let management = Management::new(&endpoints.management_url).expect("client");
    let info = management.overview().await.expect("overview");
    println!("{info:?}");
    assert_eq!(info.version, "3.10.8");
    assert_eq!(info.cluster_name, "warren");
    assert!(info.nodes.iter().any(|n| n.name == "warren-1@localhost" && n.running));

    let vhost = "warren-test/ü b";
    let enc = crate::broker::address::encode_segment(vhost);
    // A failed earlier run may have left it behind.
    management.delete_vhost(vhost).await.expect("old vhost deleted");
    management
        .create_vhost(vhost, "integration test")
        .await
        .expect("vhost created");
    management
        .create_vhost(vhost, "integration test")
        .await
        .expect("creating again is fine");
    let listed = management.list_vhosts().await.expect("vhosts");
    assert!(
        listed
            .iter()
            .any(|v| v.name == vhost && v.description == "integration test")
    );
    assert_eq!(management.vhost_connection_count(vhost).await.expect("count"), 0);
    assert_eq!(management.queues(vhost).await.expect("queues"), vec![]);
    assert_eq!(management.queue(vhost, "nope").await.expect("queue"), None);

    let lazy: Policy = serde_json::from_value(json!({
        "name": "lazy/policy", "pattern": "^lazy$", "apply_to": "queues", "priority": 1,
        "definition": {"queue-mode": "lazy"}
    }))
    .expect("policy");
    management.set_policy(vhost, &lazy).await.expect("policy set");
    for (queue, arguments) in [("lazy", json!({})), ("qq", json!({"x-queue-type": "quorum"}))] {
        let status = raw(
            Method::PUT,
            &format!("/api/queues/{enc}/{queue}"),
            json!({"durable": true, "arguments": arguments}),
        )
        .await;
        assert_eq!(status, 201);
    }
    for n in 0..30 {
        for queue in ["lazy", "qq"] {
            let body = json!({"properties": {"delivery_mode": if queue == "qq" { 2 } else { 1 }},
                "routing_key": queue, "payload": format!("m{n}"), "payload_encoding": "string"});
            let path = format!("/api/exchanges/{enc}/amq.default/publish");
            assert_eq!(raw(Method::POST, &path, body).await, 200);
        }
    }
    let began = Instant::now();
    let snapshots = loop {
        let snapshots = management.queues(vhost).await.expect("queues");
        if snapshots.iter().all(|q| q.messages == 30) || began.elapsed() > Duration::from_secs(20) {
            break snapshots;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("statistics caught up after {:?}: {snapshots:#?}", began.elapsed());
    let lazy_q = &snapshots[0];
    assert_eq!(lazy_q.queue, "lazy");
    assert_eq!((lazy_q.messages, lazy_q.ready, lazy_q.unacked), (30, 30, 0));
    assert_eq!((lazy_q.in_ram, lazy_q.paged_out), (0, 30));
    assert_eq!(lazy_q.mode.as_deref(), Some("lazy"));
    assert_eq!(lazy_q.state.as_deref(), Some("running"));
    let qq = &snapshots[1];
    assert_eq!((qq.queue.as_str(), qq.messages, qq.persistent), ("qq", 30, 30));
    assert_eq!(qq.node.as_deref(), Some("warren-1@localhost"));
    assert_eq!(management.queue(vhost, "qq").await.expect("queue").as_ref(), Some(qq));
    management.clear_policy(vhost, "lazy/policy").await.expect("cleared");
    management
        .clear_policy(vhost, "lazy/policy")
        .await
        .expect("clearing again is fine");

    let bad: Policy = serde_json::from_value(json!({
        "name": "bad", "pattern": ".*", "definition": {"ha-mode": "bogus"}
    }))
    .expect("policy");
    let e = management.set_policy(vhost, &bad).await.expect_err("refused");
    println!("{e}");
    assert!(matches!(e, ManagementError::Status { status: 400, .. }), "{e:?}");
    assert!(e.to_string().contains("is not a valid ha-mode value"), "{e}");

    let wrong = Management::new("http://guest:pw-xyz@127.0.0.1:15701").expect("client");
    let e = wrong.overview().await.expect_err("wrong password");
    println!("{e}");
    assert!(matches!(e, ManagementError::Unauthorized { .. }), "{e:?}");
    assert!(!e.to_string().contains("pw-xyz"));

    let user = "warren-test-plain";
    let path = format!("/api/users/{user}");
    let created = raw(Method::PUT, &path, json!({"password": "pw", "tags": "management"})).await;
    assert!(created == 201 || created == 204, "{created}");
    let plain = Management::new(&format!("http://{user}:pw@127.0.0.1:15701")).expect("client");
    let e = plain.create_vhost("warren-test-2", "").await.expect_err("forbidden");
    println!("{e}");
    assert!(matches!(e, ManagementError::Forbidden { .. }), "{e:?}");
    let info = plain.overview().await.expect("overview without monitoring tag");
    println!("as a plain user: {info:?}");
    assert_eq!(raw(Method::DELETE, &path, json!({})).await, 204);

    management.delete_vhost(vhost).await.expect("vhost deleted");
    management.delete_vhost(vhost).await.expect("deleting again is fine");
    assert!(
        !management
            .list_vhosts()
            .await
            .expect("vhosts")
            .iter()
            .any(|v| v.name == vhost)
    );

    println!("{}", broker.status().await.expect("status"));
}

/// Stops the whole cluster and starts it again (every node at once), and leaves it running.
#[tokio::test]
#[ignore = "stops and starts a real RabbitMQ cluster"]
async fn warm_restarts_the_cluster() {
    let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
    broker.ensure_running().await.expect("running");

    let began = Instant::now();
    broker.stop().await.expect("stopped");
    println!("stop took {:?}", began.elapsed());
    let status = broker.status().await.expect("status");
    println!("{status}");
    assert_eq!(status.nodes.len(), 3);
    assert!(status.nodes.iter().all(|n| !n.running && n.pid.is_none() && n.created));
    broker.stop().await.expect("stopping a stopped cluster is fine");

    let began = Instant::now();
    broker.ensure_running().await.expect("restarted");
    println!("warm start took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true; 3]));
    let status = broker.status().await.expect("status");
    println!("{status}");
    assert!(status.nodes.iter().all(|n| n.running && n.running_members.len() == 3));
}

/// Kills, stops and restarts nodes through [`NodeFaults`](crate::broker::faults::NodeFaults),
/// and leaves the cluster running.
#[tokio::test]
#[ignore = "crashes and restarts real RabbitMQ nodes"]
async fn faults_stop_kill_and_restore_nodes() {
    use crate::broker::faults::{FaultError, NodeFaults};

    let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
    broker.ensure_running().await.expect("running");
    let faults = NodeFaults::new(&broker);
    assert_eq!(
        faults.node_names(),
        ["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"]
    );
    let e = faults.kill_node("rabbit@localhost").await.expect_err("not Warren's");
    println!("{e}");
    assert!(matches!(e, FaultError::UnknownNode { .. }), "{e:?}");
    assert!(NodeFaults::from_names(broker.data_dir().to_path_buf(), &["rabbit@vm"]).is_err());

    // Crash node 2 and bring it back.
    let pid = broker.nodes()[1].live_pid().expect("pid of warren-2");
    let began = Instant::now();
    faults.kill_node("warren-2@localhost").await.expect("killed");
    println!("kill took {:?}", began.elapsed());
    assert!(!Path::new(&format!("/proc/{pid}/cmdline")).exists() || broker.nodes()[1].live_pid().is_none());
    let e = faults.kill_node("warren-2@localhost").await.expect_err("already dead");
    println!("{e}");
    assert!(
        e.to_string()
            .starts_with("could not kill RabbitMQ node warren-2@localhost"),
        "{e}"
    );
    let began = Instant::now();
    let view = loop {
        let view = seed_view().await;
        if view == all_three([true, false, true]) || began.elapsed() > Duration::from_secs(30) {
            break view;
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    };
    println!("warren-1 saw warren-2 down after {:?}", began.elapsed());
    assert_eq!(view, all_three([true, false, true]));
    let began = Instant::now();
    faults
        .start_node("warren-2@localhost")
        .await
        .expect("started after the kill");
    println!("start after kill -9 took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true; 3]));

    // Stop node 3's application and start it again.
    let began = Instant::now();
    faults.stop_node("warren-3@localhost").await.expect("stopped");
    println!("stop_app took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true, true, false]));
    assert!(broker.nodes()[2].live_pid().is_some(), "the VM keeps running");
    let began = Instant::now();
    faults
        .start_node("warren-3@localhost")
        .await
        .expect("started after stop_app");
    println!("start after stop_app took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true; 3]));
    faults
        .start_node("warren-3@localhost")
        .await
        .expect("starting a running node is fine");

    // Crash every node, then bring them all back.
    let faults = NodeFaults::from_names(
        broker.data_dir().to_path_buf(),
        &["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"],
    )
    .expect("Warren's nodes");
    faults.stop_node("warren-1@localhost").await.expect("stopped");
    faults.kill_node("warren-2@localhost").await.expect("killed");
    faults.kill_node("warren-3@localhost").await.expect("killed");
    let began = Instant::now();
    faults.restore_all().await.expect("restored");
    println!("restore_all after stop_app + 2 kills took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true; 3]));
    let began = Instant::now();
    broker.ensure_running().await.expect("still formed");
    assert!(began.elapsed() < Duration::from_secs(1));
}

/// A node that left the cluster (reset) is joined again; a cluster shrinks to one node and grows
/// back to three. Leaves three nodes running.
#[tokio::test]
#[ignore = "reshapes a real RabbitMQ cluster"]
async fn repairs_shrinks_and_grows_the_cluster() {
    let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
    broker.ensure_running().await.expect("running");
    let third = &broker.nodes()[2];
    for step in ["stop_app", "reset", "start_app"] {
        third.ctl_ok(&[step]).await.expect(step);
    }
    assert_eq!(seed_view().await, all_three([true, true, false])[..2].to_vec());
    let began = Instant::now();
    broker.ensure_running().await.expect("rejoined");
    println!("rejoining a reset node took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true; 3]));

    let single = ManagedBroker::with_nodes(broker.data_dir().to_path_buf(), 1);
    let began = Instant::now();
    single.ensure_running().await.expect("shrunk");
    println!("shrinking to one node took {:?}", began.elapsed());
    assert_eq!(seed_view().await, vec![("warren-1@localhost".to_owned(), true)]);
    assert_eq!(nodes_on_disk(broker.data_dir()), vec![1]);
    println!("{}", broker.status().await.expect("status"));

    let began = Instant::now();
    broker.ensure_running().await.expect("grown");
    println!("growing from one node to three took {:?}", began.elapsed());
    assert_eq!(seed_view().await, all_three([true; 3]));
    assert_eq!(nodes_on_disk(broker.data_dir()), vec![1, 2, 3]);
}
