//! The server keeps running while PostgreSQL is unreachable, returns 503 under load
//! instead of failing in other ways, and recovers without a restart. A proxy on
//! loopback cuts every connection and refuses new ones, as a restarting PostgreSQL
//! server does.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Backend, TestApp, TestDatabase};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP proxy on loopback that can cut every connection to PostgreSQL and refuse new
/// ones, as if the database server went away, then let traffic through again.
struct CuttableProxy {
    port: u16,
    open: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl CuttableProxy {
    async fn start(upstream: String) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(true));
        let (cut, _) = watch::channel(0u64);
        let accept_open = open.clone();
        let accept_cut = cut.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    break;
                };
                if !accept_open.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut cut_signal = accept_cut.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut_signal.changed() => {}
                    }
                });
            }
        });
        CuttableProxy { port, open, cut }
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cut.send_modify(|generation| *generation += 1);
    }

    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

fn postgres_host_port(url: &str) -> String {
    let after_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let authority = after_scheme.split('/').next().unwrap_or(after_scheme);
    let host = authority
        .rsplit_once('@')
        .map(|(_, host)| host)
        .unwrap_or(authority);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

async fn wait_for_status(app: &TestApp, path: &str, expected: u16, limit: Duration) -> u16 {
    let started = Instant::now();
    loop {
        let status = app.get(path).await.status().as_u16();
        if status == expected || started.elapsed() > limit {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_gives_503_then_recovers() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let proxy = CuttableProxy::start(postgres_host_port(&database.url)).await;
    let through_proxy = database.url.replacen(
        &postgres_host_port(&database.url),
        &format!("127.0.0.1:{}", proxy.port),
        1,
    );
    let app = TestApp::spawn_on(database, Some(through_proxy)).await;

    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(app.admin_get("/cohorts").await.status(), 200);

    // Load through the whole outage: signed-in page views and readiness checks.
    let stop = Arc::new(AtomicBool::new(false));
    let admin = app.admin().await.clone();
    let mut load = Vec::new();
    for worker in 0..4 {
        let stop = stop.clone();
        let client = if worker % 2 == 0 {
            admin.clone()
        } else {
            app.client.clone()
        };
        let url = app.url(if worker % 2 == 0 {
            "/cohorts"
        } else {
            "/readyz"
        });
        load.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let status = match client.get(&url).send().await {
                    Ok(response) => response.status().as_u16(),
                    Err(error) => {
                        panic!("the server dropped a request instead of answering: {error}")
                    }
                };
                statuses.push(status);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    proxy.cut();
    assert_eq!(
        wait_for_status(&app, "/readyz", 503, Duration::from_secs(10)).await,
        503
    );
    let page = app.admin_get("/cohorts").await;
    assert_eq!(page.status(), 503);
    let html = page.text().await.unwrap();
    assert!(html.contains("cannot reach its database"), "{html}");
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process must stay up"
    );

    proxy.restore();
    assert_eq!(
        wait_for_status(&app, "/readyz", 200, Duration::from_secs(15)).await,
        200
    );
    assert_eq!(app.admin_get("/cohorts").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let mut statuses = Vec::new();
    for worker in load {
        statuses.extend(worker.await.expect("a load worker"));
    }
    let unexpected: Vec<u16> = statuses
        .iter()
        .copied()
        .filter(|status| *status != 200 && *status != 503)
        .collect();
    assert!(
        unexpected.is_empty(),
        "only 200 and 503 under load, got {unexpected:?}"
    );
    assert!(
        statuses.contains(&503),
        "requests failed with 503 during the outage"
    );
    assert_eq!(statuses.last(), Some(&200));
    let created = app
        .admin_post_form(
            "/api/cohorts/create",
            &[("name", "After the outage"), ("year", "2027")],
        )
        .await;
    assert_eq!(created.status(), 200);

    app.stop().await;
}
