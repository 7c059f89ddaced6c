//! Access tokens. phancap signs its own with HS256; it also accepts tokens
//! of an external identity provider signed RS256 or EdDSA when that
//! provider's public key is configured. Validation follows RFC 8725: the
//! algorithm is pinned per key, `exp`, `iat`, `iss`, `aud` and `sub` are
//! required, `nbf` is checked when present, `aud` may be a string or an
//! array (RFC 7519 §4.1.3), lifetimes are short by default and never longer
//! than the configured maximum, whoever signed the token.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Shortest HS256 secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
const LEEWAY_SECONDS: u64 = 30;

/// The public key of an external identity provider.
pub struct ExternalKey {
    pub algorithm: Algorithm,
    pub key: DecodingKey,
    pub issuer: String,
    pub audience: String,
}

impl ExternalKey {
    /// Reads a PEM public key for `algorithm` (RS256 or EdDSA only).
    pub fn from_pem(
        algorithm: Algorithm,
        pem: &[u8],
        issuer: String,
        audience: String,
    ) -> Result<Self, String> {
        let key = match algorithm {
            Algorithm::RS256 => DecodingKey::from_rsa_pem(pem),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(pem),
            other => {
                return Err(format!(
                    "external tokens may be RS256 or EdDSA, not {other:?}"
                ));
            }
        }
        .map_err(|e| format!("the external public key is not a valid PEM: {e}"))?;
        Ok(ExternalKey {
            algorithm,
            key,
            issuer,
            audience,
        })
    }
}

/// Who a valid token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A phancap token: the user's id and the token version it was issued
    /// under (see `app_user.token_version`).
    User { id: Uuid, version: i32 },
    /// An external provider's token: the username.
    Username(String),
}

/// A token that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub subject: Subject,
    /// `exp`, in Unix seconds: a subscription ends then.
    pub expires: i64,
}

/// `aud`: one audience or several.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: Audience,
    exp: i64,
    iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    /// The user's token version; absent in external tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ver: Option<i32>,
}

/// Longest token lifetime accepted by default, service tokens included.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(30 * 86_400);

/// Issues and verifies access tokens.
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    /// Lifetime of the tokens `login` issues.
    pub ttl: Duration,
    /// Longest lifetime (`exp - iat`) issued or accepted.
    pub max_lifetime: Duration,
    external: Option<ExternalKey>,
    /// The key export links are signed with: derived from the token
    /// secret, so that a link never verifies as a token nor the reverse.
    link_key: Vec<u8>,
}

impl TokenService {
    /// A service signing with `secret` (at least [`MIN_SECRET_BYTES`]).
    pub fn new(
        secret: &[u8],
        ttl: Duration,
        external: Option<ExternalKey>,
    ) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "the token secret needs at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        Ok(TokenService {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: "phancap".into(),
            audience: "phancap".into(),
            ttl,
            max_lifetime: DEFAULT_MAX_LIFETIME.max(ttl),
            external,
            link_key: {
                use sha2::Digest;
                let mut hash = sha2::Sha256::new();
                hash.update(b"phancap export links\0");
                hash.update(secret);
                hash.finalize().to_vec()
            },
        })
    }

    /// The same service with a longest lifetime of `max` (at least the
    /// default lifetime of `login`).
    pub fn with_max_lifetime(mut self, max: Duration) -> Result<Self, String> {
        if max < self.ttl {
            return Err(format!(
                "the longest token lifetime ({}s) is shorter than the lifetime of a sign-in ({}s)",
                max.as_secs(),
                self.ttl.as_secs()
            ));
        }
        self.max_lifetime = max;
        Ok(self)
    }

    /// A token for `user` under its token `version`, valid for `ttl` (the
    /// default lifetime when None), and when it expires.
    pub fn issue(
        &self,
        user: Uuid,
        version: i32,
        ttl: Option<Duration>,
    ) -> Result<(String, DateTime<Utc>), String> {
        let ttl = ttl.unwrap_or(self.ttl);
        if ttl > self.max_lifetime {
            return Err(format!(
                "a token may live at most {} days",
                self.max_lifetime.as_secs() / 86_400
            ));
        }
        let now = Utc::now().timestamp();
        let exp = now + ttl.as_secs() as i64;
        let claims = Claims {
            sub: user.to_string(),
            iss: self.issuer.clone(),
            aud: Audience::One(self.audience.clone()),
            exp,
            iat: now,
            nbf: Some(now),
            ver: Some(version),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| format!("token could not be signed: {e}"))?;
        let expires = Utc
            .timestamp_opt(exp, 0)
            .single()
            .ok_or("expiry out of range")?;
        Ok((token, expires))
    }

    /// The HMAC-SHA256 of `message` under the link key, in lower-case hex
    /// (the `sig` of an export link).
    pub fn sign_link(&self, message: &str) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        // HMAC takes a key of any length: the error branch is never taken.
        let Ok(mut mac) = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.link_key) else {
            return String::new();
        };
        mac.update(message.as_bytes());
        crate::notices::signature::hex(&mac.finalize().into_bytes())
    }

    /// Whether `signature` (hex) is the link signature of `message`,
    /// compared in constant time.
    pub fn verify_link(&self, message: &str, signature: &str) -> bool {
        use hmac::{Hmac, KeyInit, Mac};
        let Some(bytes) = unhex(signature) else {
            return false;
        };
        let Ok(mut mac) = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.link_key) else {
            return false;
        };
        mac.update(message.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }

    /// The subject of a valid token; None for anything else (bad signature,
    /// unexpected algorithm, expired, not yet valid, wrong issuer or
    /// audience, missing claims).
    pub fn verify(&self, token: &str) -> Option<Verified> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg == Algorithm::HS256 {
            let claims = self.decode(
                token,
                Algorithm::HS256,
                &self.decoding,
                &self.issuer,
                &self.audience,
            )?;
            let id = Uuid::parse_str(&claims.sub).ok()?;
            return Some(Verified {
                subject: Subject::User {
                    id,
                    version: claims.ver.unwrap_or(0),
                },
                expires: claims.exp,
            });
        }
        let external = self
            .external
            .as_ref()
            .filter(|k| k.algorithm == header.alg)?;
        let claims = self.decode(
            token,
            external.algorithm,
            &external.key,
            &external.issuer,
            &external.audience,
        )?;
        Some(Verified {
            expires: claims.exp,
            subject: Subject::Username(claims.sub),
        })
    }

    fn decode(
        &self,
        token: &str,
        algorithm: Algorithm,
        key: &DecodingKey,
        issuer: &str,
        audience: &str,
    ) -> Option<Claims> {
        let mut validation = Validation::new(algorithm);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .ok()?
            .claims;
        // jsonwebtoken does not look at `iat`; a token issued in the future
        // is forged or skewed, and one living longer than allowed is refused
        // whoever signed it.
        let skew = LEEWAY_SECONDS as i64;
        let fresh = claims.iat <= Utc::now().timestamp() + skew;
        let short = claims.exp - claims.iat <= self.max_lifetime.as_secs() as i64 + skew;
        (fresh && short).then_some(claims)
    }
}

/// The bytes of a lower- or upper-case hex text; None for anything else.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The token of an `Authorization` header value: the `Bearer` scheme in
/// any case (RFC 7235 §2.1), then the token.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Parses a lifetime such as `30d`, `12h`, `15m` or `90s`.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a lifetime like 30d, 12h, 15m"))?;
    let seconds = match unit {
        "d" => n * 86_400,
        "h" => n * 3_600,
        "m" => n * 60,
        "s" | "" => n,
        _ => return Err(format!("`{text}` is not a lifetime like 30d, 12h, 15m")),
    };
    if seconds == 0 {
        return Err("a lifetime must be positive".into());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> TokenService {
        TokenService::new(&[7u8; 32], Duration::from_secs(3600), None).unwrap()
    }

    #[test]
    fn an_issued_token_verifies_and_a_tampered_one_does_not() {
        let tokens = service();
        let user = Uuid::now_v7();
        let (token, _) = tokens.issue(user, 3, None).unwrap();
        assert_eq!(
            tokens.verify(&token).map(|v| v.subject),
            Some(Subject::User {
                id: user,
                version: 3
            })
        );
        let mut tampered = token.clone();
        tampered.pop();
        assert_eq!(tokens.verify(&tampered), None);
        let other = TokenService::new(&[8u8; 32], Duration::from_secs(3600), None).unwrap();
        assert_eq!(other.verify(&token), None, "another secret");
    }

    #[test]
    fn expired_future_and_foreign_tokens_are_refused() {
        let tokens = service();
        let now = Utc::now().timestamp();
        let sign = |claims: &Claims, alg| {
            jsonwebtoken::encode(
                &Header::new(alg),
                claims,
                &EncodingKey::from_secret(&[7u8; 32]),
            )
            .unwrap()
        };
        let claims = |exp: i64, iat: i64, aud: &str| Claims {
            sub: Uuid::now_v7().to_string(),
            iss: "phancap".into(),
            aud: Audience::One(aud.into()),
            exp,
            iat,
            nbf: None,
            ver: None,
        };
        assert_eq!(
            tokens.verify(&sign(
                &claims(now - 120, now - 200, "phancap"),
                Algorithm::HS256
            )),
            None
        );
        assert_eq!(
            tokens.verify(&sign(
                &claims(now + 9000, now + 3600, "phancap"),
                Algorithm::HS256
            )),
            None
        );
        assert_eq!(
            tokens.verify(&sign(
                &claims(now + 600, now, "elsewhere"),
                Algorithm::HS256
            )),
            None
        );
        // The algorithm is pinned: the same secret under HS512 is refused.
        assert_eq!(
            tokens.verify(&sign(&claims(now + 600, now, "phancap"), Algorithm::HS512)),
            None
        );
        assert!(
            tokens
                .verify(&sign(&claims(now + 600, now, "phancap"), Algorithm::HS256))
                .is_some()
        );
    }

    #[test]
    fn an_audience_array_naming_phancap_is_accepted() {
        let tokens = service();
        let now = Utc::now().timestamp();
        let sign = |aud: Audience| {
            let claims = Claims {
                sub: Uuid::now_v7().to_string(),
                iss: "phancap".into(),
                aud,
                exp: now + 600,
                iat: now,
                nbf: None,
                ver: None,
            };
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(&[7u8; 32]),
            )
            .unwrap()
        };
        let both = Audience::Many(vec!["other".into(), "phancap".into()]);
        assert!(tokens.verify(&sign(both)).is_some());
        let neither = Audience::Many(vec!["other".into(), "another".into()]);
        assert!(tokens.verify(&sign(neither)).is_none());
    }

    #[test]
    fn no_token_outlives_the_longest_lifetime() {
        let tokens = service()
            .with_max_lifetime(Duration::from_secs(7 * 86_400))
            .unwrap();
        let user = Uuid::now_v7();
        assert!(
            tokens
                .issue(user, 0, Some(Duration::from_secs(8 * 86_400)))
                .is_err()
        );
        let (week, _) = tokens
            .issue(user, 0, Some(Duration::from_secs(7 * 86_400)))
            .unwrap();
        assert!(tokens.verify(&week).is_some());
        // A token signed elsewhere with the same key but a longer life is refused.
        let long = TokenService::new(&[7u8; 32], Duration::from_secs(3600), None)
            .unwrap()
            .with_max_lifetime(Duration::from_secs(90 * 86_400))
            .unwrap()
            .issue(user, 0, Some(Duration::from_secs(60 * 86_400)))
            .unwrap()
            .0;
        assert!(tokens.verify(&long).is_none());
        assert!(
            service()
                .with_max_lifetime(Duration::from_secs(60))
                .is_err()
        );
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("BEARER abc"), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("Bearerabc"), None);
    }

    #[test]
    fn short_secrets_and_bad_lifetimes_are_refused() {
        assert!(TokenService::new(b"short", Duration::from_secs(60), None).is_err());
        assert_eq!(parse_ttl("30d").unwrap(), Duration::from_secs(30 * 86_400));
        assert_eq!(parse_ttl("15m").unwrap(), Duration::from_secs(900));
        assert!(parse_ttl("soon").is_err());
        assert!(parse_ttl("0h").is_err());
    }
}
