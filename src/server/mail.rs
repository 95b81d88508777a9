//! Outgoing mail through lettre: SMTP when `SMTP_URL` is set, otherwise
//! `.eml` files in the outbox folder, so a local run needs nothing else.
//! Sending happens in the background; a failure is logged, never shown.

use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Arc<Transport>,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid sender address {0}")]
    From(String),
    #[error("invalid SMTP_URL: {0}")]
    Smtp(String),
    #[error("cannot create the outbox folder {0}: {1}")]
    Outbox(String, String),
}

impl Mailer {
    pub fn new(smtp_url: Option<&str>, from: &str, outbox: PathBuf) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::From(from.to_string()))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Smtp(e.to_string()))?
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&outbox)
                    .map_err(|e| MailError::Outbox(outbox.display().to_string(), e.to_string()))?;
                Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(&outbox), outbox)
            }
        };
        Ok(Self {
            from,
            transport: Arc::new(transport),
        })
    }

    /// Queues a plain-text message to `to`. Never fails the caller.
    pub fn send(&self, to: &str, subject: &str, body: String) {
        let to_box: Mailbox = match to.parse() {
            Ok(m) => m,
            Err(_) => {
                tracing::warn!("not sending mail: recipient address does not parse");
                return;
            }
        };
        let msg = match Message::builder()
            .from(self.from.clone())
            .to(to_box)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
        {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "could not build a mail message");
                return;
            }
        };
        let transport = self.transport.clone();
        let subject = subject.to_string();
        tokio::spawn(async move {
            match transport.as_ref() {
                Transport::Smtp(t) => match t.send(msg).await {
                    Ok(_) => tracing::info!(%subject, "mail sent over SMTP"),
                    Err(e) => tracing::error!(error = %e, %subject, "SMTP delivery failed"),
                },
                Transport::Files(t, dir) => match t.send(msg).await {
                    Ok(id) => {
                        tracing::info!(%subject, file = %dir.join(format!("{id}.eml")).display(), "mail written to the outbox")
                    }
                    Err(e) => {
                        tracing::error!(error = %e, %subject, "writing mail to the outbox failed")
                    }
                },
            }
        });
    }
}
