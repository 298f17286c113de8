//! How keel's REST calls reach Discord, and what happens when Discord says "not now".
//!
//! Every step [`execute`](crate::bot::discord::execute) carries out is made of [`Call`]s: a serenity
//! [`Request`] (route, method, JSON body from serenity's builder, audit-log reason). One
//! representation, two ways to send it, chosen once at launch:
//!
//! - **Without `[discord] api_base`** (talking to Discord directly), calls go through
//!   serenity's [`Http::request`] with serenity's own ratelimiter on: it waits out
//!   per-route buckets and global limits (429s) before and after each call. keel retries
//!   only what serenity passes up: 5xx answers and connection errors.
//! - **With `api_base`** (a rate-limit proxy such as twilight-http-proxy, or the in-repo
//!   fake Discord), serenity's ratelimiter is off (serenity ignores the proxy otherwise),
//!   and serenity's error decoding cannot read a 429 (Discord's 429 body has no `code`,
//!   and the headers are dropped). So keel sends the request itself (reqwest, the same
//!   client serenity uses) and reads status, headers and body: on 429 it waits what
//!   Discord says (`retry_after` in the body, else `X-RateLimit-Reset-After`, else
//!   `Retry-After`); a global 429 (`global: true` or `X-RateLimit-Global`) pauses every
//!   call made through the same [`Rest`], not just the one that hit it.
//!
//! On both paths: 5xx answers and lost answers (connection errors, timeouts) are retried
//! with exponential backoff and jitter; 401 and 403 are never retried (Discord's edge bans
//! bots that make many invalid requests); other 4xx fail at once; and the total wait is
//! bounded ([`GIVE_UP_AFTER`]): past it the call gives up and is counted
//! ([`Rest::gave_up`], shown in `/keel status`). A retried message cannot be posted twice:
//! execute gives every message a nonce with `enforce_nonce`.
//!
//! What serenity sends on its own (registering `/keel`, answering interactions, filling
//! its cache) does not pass through here; on the `api_base` path the proxy limits those.
//!
//! Retry decisions are a pure function ([`next_wait`]), tested case by case; the loop
//! around it is tested on tokio's paused clock.

use serenity::all::Http;
use serenity::http::{HttpError, LightMethod, Request, Route};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Longest total wait for one call (429 waits and backoff together) before keel gives up.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(60);

/// First backoff after a 5xx or a lost answer; doubled per try, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Longest single backoff after a 5xx or a lost answer.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// How long keel waits for one answer on the `api_base` path.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestError {
    /// 401 or 403: a missing permission (or a bad token); never retried.
    #[error("Discord answered {status} (missing permission): {message}")]
    Forbidden {
        /// The HTTP status.
        status: u16,
        /// Discord's message.
        message: String,
    },
    /// Another 4xx: Discord will not do this, retrying would not help.
    #[error("Discord answered {status}: {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Discord's message.
        message: String,
    },
    /// Rate limits, 5xx or lost answers went on past the bound.
    #[error("gave up after {tries} tries and {waited_ms} ms of waiting; last: {last}")]
    GaveUp {
        /// How many times the call was sent.
        tries: u32,
        /// How long keel waited in all (ms).
        waited_ms: u64,
        /// The last answer.
        last: String,
    },
    /// The request could not be built (a body that does not serialize, a bad header).
    #[error("cannot build the request: {0}")]
    Build(String),
}

/// One REST call, as data: what serenity's own methods would send.
#[derive(Debug, Clone)]
pub struct Call {
    request: Request<'static>,
    what: String,
}

impl Call {
    /// A call of `method` on `route`, without a body.
    pub fn new(method: LightMethod, route: Route<'static>) -> Call {
        let what = format!("{} {}", method.reqwest_method(), route.path().trim_start_matches("https://discord.com"));
        Call { request: Request::new(route, method), what }
    }

    /// The same call with `body` (a serenity builder) as its JSON body.
    ///
    /// # Errors
    /// When the body does not serialize.
    pub fn json(self, body: &impl serde::Serialize) -> Result<Call, RestError> {
        let bytes = serde_json::to_vec(body).map_err(|e| RestError::Build(e.to_string()))?;
        Ok(Call { request: self.request.body(Some(bytes)), ..self })
    }

    /// The same call with an audit-log reason (`X-Audit-Log-Reason`, percent-encoded as
    /// serenity does).
    pub fn reason(self, reason: &str) -> Call {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&percent_encode(reason)) {
            headers.insert("X-Audit-Log-Reason", value);
        }
        Call { request: self.request.headers(Some(headers)), ..self }
    }

    /// Method and path, for logs (`POST /api/v10/channels/1/messages`).
    pub fn what(&self) -> &str {
        &self.what
    }
}

/// Every byte but ASCII letters and digits as `%XX` (what Discord expects in
/// `X-Audit-Log-Reason`).
fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// What one try of a call came back with, as far as retrying goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A 2xx answer, with its body.
    Success(Vec<u8>),
    /// Any other status.
    Status {
        /// The HTTP status.
        status: u16,
        /// Discord's message (or the body as text).
        message: String,
        /// For a 429: how long Discord asks keel to wait.
        retry_after: Option<Duration>,
        /// For a 429: the limit is global (every call waits), not the route's.
        global: bool,
    },
    /// No answer: connection refused or reset, or no answer in time.
    Lost(String),
}

impl Answer {
    fn describe(&self) -> String {
        match self {
            Answer::Success(_) => "success".into(),
            Answer::Status { status, message, .. } => format!("{status} {message}"),
            Answer::Lost(e) => format!("no answer ({e})"),
        }
    }
}

/// What to do after a try.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// It worked.
    Done,
    /// Stop: retrying cannot help.
    Fail(RestError),
    /// Wait this long, then try again; `global` pauses every call meanwhile.
    Retry {
        /// How long to wait.
        after: Duration,
        /// Every call waits, not just this one.
        global: bool,
    },
    /// Waiting again would go past the bound.
    GiveUp,
}

/// What to do after try number `tries` (1 for the first) answered `answer`, having waited
/// `waited` so far, with at most `bound` in all. `jitter` (in `[0, 1)`) spreads backoffs:
/// a backoff is between half and all of `FIRST_BACKOFF × 2^(tries-1)` (capped at 8 s).
/// A 429 waits exactly what Discord asked (no jitter: Discord reopens the bucket then);
/// a 429 without a wait is treated like a 5xx.
pub fn next_wait(answer: &Answer, tries: u32, waited: Duration, bound: Duration, jitter: f64) -> Decision {
    let after = match answer {
        Answer::Success(_) => return Decision::Done,
        Answer::Status { status: status @ (401 | 403), message, .. } => {
            return Decision::Fail(RestError::Forbidden { status: *status, message: message.clone() })
        }
        Answer::Status { status: 429, retry_after: Some(after), global, .. } => {
            return within(waited, *after, bound, *global)
        }
        Answer::Status { status: 429 | 500..=599, .. } | Answer::Lost(_) => backoff(tries, jitter),
        Answer::Status { status, message, .. } => {
            return Decision::Fail(RestError::Refused { status: *status, message: message.clone() })
        }
    };
    within(waited, after, bound, false)
}

fn within(waited: Duration, after: Duration, bound: Duration, global: bool) -> Decision {
    if waited.saturating_add(after) > bound {
        Decision::GiveUp
    } else {
        Decision::Retry { after, global }
    }
}

/// Exponential backoff with "equal jitter": half fixed, half random.
fn backoff(tries: u32, jitter: f64) -> Duration {
    let full = FIRST_BACKOFF.saturating_mul(1 << tries.saturating_sub(1).min(16)).min(MAX_BACKOFF);
    full / 2 + full.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
}

/// A number in `[0, 1)`, different each call: a xorshift over the clock's nanoseconds
/// and a counter (good enough to keep retries from marching in step; not for secrets).
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ u64::from(nanos);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 11) as f64 / (1_u64 << 53) as f64
}

/// How long Discord asks to wait and whether the limit is global, from a 429's headers
/// (`(lowercase name, value)`) and body. The body's `retry_after` is the most precise;
/// then `X-RateLimit-Reset-After`, then `Retry-After` (all in seconds, possibly fractional).
pub fn rate_limit(headers: &[(String, String)], body: &[u8]) -> (Option<Duration>, bool) {
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let seconds = |v: f64| (v.is_finite() && v >= 0.0).then(|| Duration::from_secs_f64(v));
    let body: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let after = body
        .get("retry_after")
        .and_then(serde_json::Value::as_f64)
        .or_else(|| header("x-ratelimit-reset-after").and_then(|v| v.trim().parse().ok()))
        .or_else(|| header("retry-after").and_then(|v| v.trim().parse().ok()))
        .and_then(seconds);
    let global = body.get("global").and_then(serde_json::Value::as_bool).unwrap_or(false)
        || header("x-ratelimit-global").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    (after, global)
}

/// Discord's `message` from an error body, else the body as text.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(serde_json::Value::as_str).map(str::to_string))
        .unwrap_or_else(|| crate::bot::discord::text::truncate(&text, 200))
}

/// keel's own sender for the `api_base` path.
struct Proxy {
    client: reqwest::Client,
    base: String,
    /// `Bot <token>`, as serenity sends it.
    token: String,
}

impl std::fmt::Debug for Proxy {
    /// Never shows the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("base", &self.base).finish_non_exhaustive()
    }
}

impl Proxy {
    async fn send(&self, call: &Call) -> Result<Answer, RestError> {
        let request = call
            .request
            .clone()
            .build(&self.client, &self.token, Some(&self.base))
            .map_err(|e| RestError::Build(e.to_string()))?;
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Ok(Answer::Lost(e.to_string())),
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return Ok(Answer::Lost(e.to_string())),
        };
        if (200..300).contains(&status) {
            return Ok(Answer::Success(body));
        }
        let (retry_after, global) = if status == 429 { rate_limit(&headers, &body) } else { (None, false) };
        Ok(Answer::Status { status, message: error_message(&body), retry_after, global })
    }
}

/// Sends serenity's way: its ratelimiter (when on) waits out 429s itself.
async fn through_serenity(http: &Http, call: &Call) -> Result<Answer, RestError> {
    match http.request(call.request.clone()).await {
        Ok(response) => match response.bytes().await {
            Ok(body) => Ok(Answer::Success(body.to_vec())),
            Err(e) => Ok(Answer::Lost(e.to_string())),
        },
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) => Ok(Answer::Status {
            status: e.status_code.as_u16(),
            message: e.error.message,
            retry_after: None,
            global: false,
        }),
        Err(serenity::Error::Http(HttpError::Request(e))) => Ok(Answer::Lost(e.to_string())),
        Err(e) => Err(RestError::Build(e.to_string())),
    }
}

/// How keel sends its calls (see the module doc), shared by every handler: the global
/// pause and the count of calls given up live here.
#[derive(Debug)]
pub struct Rest {
    proxy: Option<Proxy>,
    /// Until when every call waits (a global 429), if at all.
    paused_until: Mutex<Option<Instant>>,
    gave_up: AtomicU64,
    bound: Duration,
}

impl Default for Rest {
    /// serenity's way (no `api_base`).
    fn default() -> Rest {
        Rest { proxy: None, paused_until: Mutex::new(None), gave_up: AtomicU64::new(0), bound: GIVE_UP_AFTER }
    }
}

impl Rest {
    /// Sends through serenity's `Http` and its ratelimiter (no `api_base`).
    pub fn serenity() -> Rest {
        Rest::default()
    }

    /// Sends to `base` (`[discord] api_base`) itself, honouring 429s; `token` as given to
    /// serenity (`Bot ` is added when missing).
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no TLS backend).
    pub fn proxy(base: &str, token: &str) -> Result<Rest, RestError> {
        let client =
            reqwest::Client::builder().timeout(ANSWER_TIMEOUT).build().map_err(|e| RestError::Build(e.to_string()))?;
        let token = token.trim();
        let token = if token.starts_with("Bot ") { token.to_string() } else { format!("Bot {token}") };
        let proxy = Proxy { client, base: base.trim_end_matches('/').to_string(), token };
        Ok(Rest { proxy: Some(proxy), ..Rest::default() })
    }

    /// Whether calls go to `api_base` through keel's own sender.
    pub fn is_proxy(&self) -> bool {
        self.proxy.is_some()
    }

    /// Calls given up since start (rate limits, 5xx or lost answers past the bound).
    pub fn gave_up(&self) -> u64 {
        self.gave_up.load(Ordering::SeqCst)
    }

    /// Sends `call`, retrying as the module doc says; returns the answer's body.
    ///
    /// # Errors
    /// [`RestError::Forbidden`] and [`RestError::Refused`] at once, [`RestError::GaveUp`]
    /// past the bound (and counted), [`RestError::Build`] for a request that cannot be sent.
    pub async fn send(&self, http: &Http, call: &Call) -> Result<Vec<u8>, RestError> {
        self.drive(|| async {
            match &self.proxy {
                Some(proxy) => proxy.send(call).await,
                None => through_serenity(http, call).await,
            }
        })
        .await
    }

    /// The retry loop around one call; `send` makes one try.
    async fn drive<F, Fut>(&self, mut send: F) -> Result<Vec<u8>, RestError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Answer, RestError>>,
    {
        let start = Instant::now();
        let mut tries = 0;
        loop {
            self.wait_for_pause().await;
            tries += 1;
            let answer = send().await?;
            match next_wait(&answer, tries, start.elapsed(), self.bound, jitter()) {
                Decision::Done => {
                    let Answer::Success(body) = answer else { unreachable!("only a success is done") };
                    return Ok(body);
                }
                Decision::Fail(e) => return Err(e),
                Decision::Retry { after, global } => {
                    tracing::debug!(answer = %answer.describe(), wait_ms = after.as_millis() as u64, global, "retrying");
                    if global {
                        self.pause_all(after);
                    }
                    tokio::time::sleep(after).await;
                }
                Decision::GiveUp => {
                    self.gave_up.fetch_add(1, Ordering::SeqCst);
                    let waited_ms = start.elapsed().as_millis() as u64;
                    return Err(RestError::GaveUp { tries, waited_ms, last: answer.describe() });
                }
            }
        }
    }

    /// Makes every call wait `after` from now (a global 429); a longer pause already set stays.
    fn pause_all(&self, after: Duration) {
        let until = Instant::now() + after;
        let mut paused = self.paused_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if paused.is_none_or(|p| p < until) {
            *paused = Some(until);
        }
    }

    /// Waits while a global pause is on (the lock is released before sleeping).
    async fn wait_for_pause(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests;
