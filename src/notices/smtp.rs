//! A small SMTP client over a plain TCP connection: EHLO, AUTH PLAIN when
//! a user is configured, MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT.
//! The message is UTF-8 plain text (base64 body, RFC 2047 subject), so
//! Vietnamese passes any server. No STARTTLS: point it at a relay on the
//! same host or network (e.g. a local Postfix that relays over TLS).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use uuid::Uuid;

/// Where e-mail goes: `--smtp-url smtp://user:pass@host:port` and
/// `--smtp-from`.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender address (`From` and `MAIL FROM`).
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSettings {
    /// Parses `smtp://[user[:password]@]host[:port]` (port 25 by default;
    /// user and password percent-decoded) with the sender `from`.
    pub fn parse(url: &str, from: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or("PHANCAP_SMTP_URL must look like smtp://user:password@host:port")?;
        let rest = rest.trim_end_matches('/');
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((auth, hostport)) => (Some(auth), hostport),
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| format!("PHANCAP_SMTP_URL: `{port}` is not a port"))?,
            ),
            None => (hostport, 25),
        };
        if host.is_empty() {
            return Err("PHANCAP_SMTP_URL names no host".into());
        }
        let (user, password) = match auth {
            Some(auth) => match auth.split_once(':') {
                Some((u, p)) => (Some(percent_decode(u)?), Some(percent_decode(p)?)),
                None => (Some(percent_decode(auth)?), None),
            },
            None => (None, None),
        };
        if !valid_email(from) {
            return Err(format!(
                "PHANCAP_SMTP_FROM: `{from}` is not an e-mail address"
            ));
        }
        Ok(SmtpSettings {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
            user,
            password,
            from: from.to_owned(),
        })
    }
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("PHANCAP_SMTP_URL: a bad %-escape")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "PHANCAP_SMTP_URL: not UTF-8".to_owned())
}

/// Whether `text` looks like an e-mail address we can send to: one `@`, a
/// local part and a dotted domain of printable ASCII without spaces or
/// angle brackets, at most 254 characters.
pub fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let allowed = |c: char| c.is_ascii_graphic() && !"<>()[]\\,;:\"@".contains(c);
    text.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && local.chars().all(allowed)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// Why a send failed: the server's reply code, if it gave one.
#[derive(Debug)]
pub struct SmtpError {
    pub code: Option<u16>,
    pub message: String,
}

impl SmtpError {
    fn io(err: impl std::fmt::Display) -> Self {
        SmtpError {
            code: None,
            message: format!("SMTP: {err}"),
        }
    }
}

/// A whole conversation may take this long.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Sends one plain-text e-mail to `to`.
pub async fn send(
    settings: &SmtpSettings,
    to: &str,
    subject: &str,
    body: &str,
    message_id: Uuid,
) -> Result<(), SmtpError> {
    tokio::time::timeout(
        TIMEOUT,
        conversation(settings, to, subject, body, message_id),
    )
    .await
    .map_err(|_| SmtpError::io("the server took too long"))?
}

async fn conversation(
    settings: &SmtpSettings,
    to: &str,
    subject: &str,
    body: &str,
    message_id: Uuid,
) -> Result<(), SmtpError> {
    let stream = TcpStream::connect((settings.host.as_str(), settings.port))
        .await
        .map_err(SmtpError::io)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    expect(&mut read, &[220]).await?;
    command(&mut write, "EHLO phancap\r\n").await?;
    expect(&mut read, &[250]).await?;
    if let Some(user) = &settings.user {
        let plain = format!("\0{user}\0{}", settings.password.as_deref().unwrap_or(""));
        command(&mut write, &format!("AUTH PLAIN {}\r\n", B64.encode(plain))).await?;
        expect(&mut read, &[235]).await?;
    }
    command(&mut write, &format!("MAIL FROM:<{}>\r\n", settings.from)).await?;
    expect(&mut read, &[250]).await?;
    command(&mut write, &format!("RCPT TO:<{to}>\r\n")).await?;
    expect(&mut read, &[250, 251]).await?;
    command(&mut write, "DATA\r\n").await?;
    expect(&mut read, &[354]).await?;
    let message = message(&settings.from, to, subject, body, message_id);
    write
        .write_all(dot_stuff(&message).as_bytes())
        .await
        .map_err(SmtpError::io)?;
    command(&mut write, ".\r\n").await?;
    expect(&mut read, &[250]).await?;
    command(&mut write, "QUIT\r\n").await?;
    // The message is accepted; a server that hangs up without 221 is fine.
    let _ = expect(&mut read, &[221]).await;
    Ok(())
}

async fn command(write: &mut tokio::net::tcp::OwnedWriteHalf, line: &str) -> Result<(), SmtpError> {
    write
        .write_all(line.as_bytes())
        .await
        .map_err(SmtpError::io)
}

/// Reads one (possibly multi-line) reply and checks its code.
async fn expect(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    codes: &[u16],
) -> Result<(), SmtpError> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let n = read.read_line(&mut line).await.map_err(SmtpError::io)?;
        if n == 0 {
            return Err(SmtpError::io("the server closed the connection"));
        }
        text.push_str(line.trim_end());
        // "250-…" continues, "250 …" (or a bare code) ends.
        if line.len() < 4 || line.as_bytes()[3] != b'-' {
            break;
        }
        text.push(' ');
    }
    let code = text.get(..3).and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(code) if codes.contains(&code) => Ok(()),
        _ => Err(SmtpError {
            code,
            message: format!("SMTP: {}", text.chars().take(300).collect::<String>()),
        }),
    }
}

/// The message: headers and a base64 UTF-8 body, CRLF line ends.
pub fn message(from: &str, to: &str, subject: &str, body: &str, id: Uuid) -> String {
    let mut m = String::new();
    m.push_str(&format!("From: {from}\r\n"));
    m.push_str(&format!("To: {to}\r\n"));
    m.push_str(&format!("Subject: {}\r\n", encode_header(subject)));
    m.push_str(&format!(
        "Date: {}\r\n",
        chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S +0000")
    ));
    m.push_str(&format!("Message-ID: <{id}@phancap>\r\n"));
    m.push_str("MIME-Version: 1.0\r\n");
    m.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    m.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    let normalized = body.replace("\r\n", "\n").replace('\n', "\r\n");
    let encoded = B64.encode(normalized.as_bytes());
    for chunk in encoded.as_bytes().chunks(76) {
        m.push_str(&String::from_utf8_lossy(chunk));
        m.push_str("\r\n");
    }
    m
}

/// RFC 2047 encoded-words (`=?UTF-8?B?…?=`), split between characters so
/// that each word stays under 75 characters; plain ASCII stays as it is.
pub fn encode_header(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if text.is_ascii() {
        return text;
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", B64.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", B64.encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// Doubles a leading dot on every line (RFC 5321 §4.5.2).
pub fn dot_stuff(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    for line in message.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gives_host_port_and_decoded_credentials() {
        let s = SmtpSettings::parse(
            "smtp://thu%40snv:p%3Ass@mail.thainguyen.gov.vn:2525",
            "no-reply@thainguyen.gov.vn",
        )
        .unwrap();
        assert_eq!((s.host.as_str(), s.port), ("mail.thainguyen.gov.vn", 2525));
        assert_eq!(s.user.as_deref(), Some("thu@snv"));
        assert_eq!(s.password.as_deref(), Some("p:ss"));
        assert!(!format!("{s:?}").contains("p:ss"));
        let s = SmtpSettings::parse("smtp://127.0.0.1", "a@b.vn").unwrap();
        assert_eq!((s.port, s.user), (25, None));
        assert!(SmtpSettings::parse("http://x", "a@b.vn").is_err());
        assert!(SmtpSettings::parse("smtp://x:port", "a@b.vn").is_err());
        assert!(SmtpSettings::parse("smtp://x", "not an address").is_err());
    }

    #[test]
    fn a_vietnamese_subject_is_encoded_in_words_that_decode_back() {
        let subject = "Nhắc nộp báo cáo quý 1 năm 2026 — Sở Nội vụ tỉnh Thái Nguyên";
        let encoded = encode_header(subject);
        let decoded: String = encoded
            .split("\r\n ")
            .map(|w| {
                let inner = w
                    .strip_prefix("=?UTF-8?B?")
                    .unwrap()
                    .strip_suffix("?=")
                    .unwrap();
                assert!(w.len() <= 75, "{w}");
                String::from_utf8(B64.decode(inner).unwrap()).unwrap()
            })
            .collect();
        assert_eq!(decoded, subject);
        assert_eq!(encode_header("Plain"), "Plain");
    }

    #[test]
    fn leading_dots_are_doubled() {
        assert_eq!(dot_stuff("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n");
    }

    #[test]
    fn addresses_are_checked() {
        assert!(valid_email("van.thu@snv.thainguyen.gov.vn"));
        for bad in [
            "", "a", "a@b", "a@.vn", "a b@c.vn", "<a>@c.vn", "a@c..vn", "a@c.vn\0",
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }
}
