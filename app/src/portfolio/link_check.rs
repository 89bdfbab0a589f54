//! Checks that links in a submission open, the way a reviewer's browser would reach
//! them, without letting the server be used to probe private networks. Server only.
//!
//! Every address a host name resolves to must be public. The request then goes to that
//! address, so a second lookup cannot swap in a private one. Redirects are followed by
//! hand, each hop checked the same way.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// Timeout for one link's response.
pub const LINK_TIMEOUT: Duration = Duration::from_secs(5);
/// Maximum redirects followed for one link.
const MAX_REDIRECTS: usize = 5;

/// Ports that public web pages are served on; links to other ports are not opened.
const WEB_PORTS: [u16; 4] = [80, 443, 8080, 8443];

/// Checks links.
#[derive(Clone, Debug)]
pub struct LinkChecker {
    pub timeout: Duration,
    /// Lets links reach loopback and private addresses. Only tests set it, to check
    /// against a server of their own.
    pub allow_private: bool,
}

impl Default for LinkChecker {
    fn default() -> Self {
        LinkChecker {
            timeout: LINK_TIMEOUT,
            allow_private: false,
        }
    }
}

impl LinkChecker {
    /// Returns `Ok` when `link` opens, or a sentence saying why it does not.
    pub async fn check(&self, link: &str) -> Result<(), String> {
        let mut current = url::Url::parse(link.trim()).map_err(|_| {
            "This is not a web address. Copy the address from the browser's address bar; it starts with https://.".to_owned()
        })?;
        for _ in 0..=MAX_REDIRECTS {
            match self.request(&current).await? {
                Step::Done => return Ok(()),
                Step::Redirect(next) => current = next,
            }
        }
        Err(format!(
            "The link redirects more than {MAX_REDIRECTS} times without reaching a page."
        ))
    }

    async fn request(&self, target: &url::Url) -> Result<Step, String> {
        if !matches!(target.scheme(), "http" | "https") {
            return Err(
                "Only web links (https:// or http://) can be opened by reviewers.".to_owned(),
            );
        }

        let host = target
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or("The link has no host name.")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = target.port_or_known_default().unwrap_or(443);
        if !self.allow_private && !WEB_PORTS.contains(&port) {
            return Err(format!(
                "The link uses port {port}, which published pages do not use. Share the page's usual https:// address."
            ));
        }

        let addresses: Vec<SocketAddr> =
            tokio::time::timeout(self.timeout, tokio::net::lookup_host((host.as_str(), port)))
                .await
                .map_err(|_| format!("{host} did not answer in time."))?
                .map_err(|_| format!("{host} does not exist; check the spelling of the link."))?
                .collect();
        let Some(first) = addresses.first().copied() else {
            return Err(format!(
                "{host} does not exist; check the spelling of the link."
            ));
        };

        if !self.allow_private && addresses.iter().any(|address| !is_public(address.ip())) {
            return Err(format!(
                "{host} is a private or local address, which reviewers cannot open. Publish the artifact where anyone with the link can see it."
            ));
        }

        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .resolve(&host, first)
            .user_agent("TLI Hub link check")
            .build()
            .map_err(|error| format!("The link could not be checked ({error})."))?;
        let mut response = client
            .head(target.as_str())
            .send()
            .await
            .map_err(|error| unreachable_message(&host, &error, self.timeout))?;
        if matches!(response.status().as_u16(), 405 | 501) {
            response = client
                .get(target.as_str())
                .send()
                .await
                .map_err(|error| unreachable_message(&host, &error, self.timeout))?;
        }

        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .ok_or("The link redirects without saying where to.")?;
            let next = target
                .join(location)
                .map_err(|_| "The link redirects to an address that is not valid.".to_owned())?;
            return Ok(Step::Redirect(next));
        }

        match status.as_u16() {
            200..=299 => Ok(Step::Done),
            401 | 403 => Err(
                "The page asks for a sign-in or refuses visitors, so reviewers may not be able to open it. Share it so that anyone with the link can view it."
                    .to_owned(),
            ),
            404 | 410 => Err("The page does not exist (error 404). Check the link.".to_owned()),
            code => Err(format!("The site answered with error {code}.")),
        }
    }
}

enum Step {
    Done,
    Redirect(url::Url),
}

fn unreachable_message(host: &str, error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        format!(
            "{host} did not answer within {} seconds.",
            timeout.as_secs()
        )
    } else {
        format!("{host} could not be reached.")
    }
}

/// Returns whether an address is on the public internet: not loopback, private,
/// link-local, shared, documentation, multicast or otherwise reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => {
            if let Some(mapped) = ip.to_ipv4_mapped() {
                return is_public_v4(mapped);
            }
            let segments = ip.segments();
            // 64:ff9b::/96 carries an IPv4 address through NAT64.
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = segments[6].to_be_bytes();
                let [c, d] = segments[7].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            // 2002::/16 (6to4) carries an IPv4 address in its next 32 bits.
            if segments[0] == 0x2002 {
                let [a, b] = segments[1].to_be_bytes();
                let [c, d] = segments[2].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            !(ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_multicast()
                // ::/96, the deprecated IPv4-compatible form.
                || segments[..6] == [0, 0, 0, 0, 0, 0]
                // 64:ff9b:1::/48, NAT64 for local networks.
                || (segments[0] == 0x64 && segments[1] == 0xff9b && segments[2] == 1)
                || (segments[0] & 0xfe00) == 0xfc00
                // fe80::/10 link-local and fec0::/10 site-local.
                || (segments[0] & 0xffc0) == 0xfe80
                || (segments[0] & 0xffc0) == 0xfec0
                || (segments[0] == 0x2001 && segments[1] == 0x0db8)
                || ip == Ipv6Addr::from([0u16, 0, 0, 0, 0, 0, 0, 1]))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_addresses_not_public() {
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
            "::7f00:1",
            "fec0::1",
            "2002:7f00:1::",
            "64:ff9b:1::7f00:1",
        ] {
            assert!(!is_public(address.parse().unwrap()), "{address}");
        }
        for address in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(address.parse().unwrap()), "{address}");
        }
    }

    #[tokio::test]
    async fn loopback_links_rejected_unrequested() {
        let checker = LinkChecker::default();
        for link in [
            "http://127.0.0.1/",
            "http://localhost:8080/",
            "https://[::1]/",
        ] {
            let error = checker.check(link).await.expect_err(link);
            assert!(error.contains("private or local"), "{link}: {error}");
        }
    }

    /// Serves one canned HTTP response per path on loopback and returns the address.
    async fn canned_server() -> std::net::SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut request = vec![0; 4096];
                let read = stream.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..read]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let response = match path.as_str() {
                    "/ok" => "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_owned(),
                    "/moved" => "HTTP/1.1 302 Found\r\nlocation: /ok\r\ncontent-length: 0\r\n\r\n"
                        .to_owned(),
                    "/loop" => "HTTP/1.1 302 Found\r\nlocation: /loop\r\ncontent-length: 0\r\n\r\n"
                        .to_owned(),
                    "/private" => "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n".to_owned(),
                    "/slow" => {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                        "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_owned()
                    }
                    _ => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_owned(),
                };
                stream.write_all(response.as_bytes()).await.ok();
            }
        });
        address
    }

    #[tokio::test]
    async fn links_judged_by_status() {
        let address = canned_server().await;
        let checker = LinkChecker {
            timeout: Duration::from_secs(1),
            allow_private: true,
        };
        let link = |path: &str| format!("http://{address}{path}");
        assert_eq!(checker.check(&link("/ok")).await, Ok(()));
        assert_eq!(checker.check(&link("/moved")).await, Ok(()));
        let cases = [
            ("/missing", "does not exist"),
            ("/private", "asks for a sign-in"),
            ("/loop", "redirects more than"),
            ("/slow", "did not answer within"),
        ];
        for (path, expected) in cases {
            let error = checker.check(&link(path)).await.expect_err(path);
            assert!(error.contains(expected), "{path}: {error}");
        }
    }

    #[tokio::test]
    async fn only_web_links_are_checked() {
        let checker = LinkChecker::default();
        let error = checker.check("https://example.org:25/").await.unwrap_err();
        assert!(error.contains("port 25"), "{error}");
        let error = checker.check("file:///etc/passwd").await.unwrap_err();
        assert!(error.contains("Only web links"), "{error}");
        let error = checker.check("not a link").await.unwrap_err();
        assert!(error.contains("not a web address"), "{error}");
    }
}
