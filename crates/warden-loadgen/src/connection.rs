//! One keep-alive HTTP/1.1 connection that sends a prepared request and reads the answer with
//! as little work as possible, so the generator measures the server rather than itself.

use anyhow::{Context as _, bail};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 * 1024;
/// Most response headers parsed.
const MAX_HEADERS: usize = 32;

/// A connection to the server under test; it reconnects when the server closes it (servers
/// without keep-alive, such as moto's, close after every answer).
pub(crate) struct Connection {
    address: String,
    stream: Option<TcpStream>,
    buffer: Vec<u8>,
}

/// How an answer's body is delimited.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

/// The parts of an answer's head the generator needs.
struct Head {
    status: u16,
    length: usize,
    framing: Framing,
    close: bool,
}

impl Connection {
    /// A connection to `address` (`host:port`); it connects on first use.
    pub(crate) fn new(address: String) -> Self {
        Self {
            address,
            stream: None,
            buffer: Vec::with_capacity(READ_CHUNK),
        }
    }

    /// Send `request` and read the whole answer; an answer other than 2xx is an error.
    /// A request that finds the kept-alive connection closed is sent once more on a new one.
    pub(crate) async fn exchange(&mut self, request: &[u8]) -> anyhow::Result<()> {
        let reused = self.stream.is_some();
        match self.try_exchange(request).await {
            Err(_) if reused && self.stream.is_none() && self.buffer.is_empty() => {
                self.try_exchange(request).await
            }
            outcome => outcome,
        }
    }

    async fn try_exchange(&mut self, request: &[u8]) -> anyhow::Result<()> {
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => {
                let stream = TcpStream::connect(&self.address)
                    .await
                    .with_context(|| format!("cannot connect to {}", self.address))?;
                stream.set_nodelay(true)?;
                self.stream.insert(stream)
            }
        };
        self.buffer.clear();
        if let Err(error) = stream.write_all(request).await {
            self.stream = None;
            return Err(error.into());
        }
        let outcome = read_answer(stream, &mut self.buffer).await;
        if !matches!(&outcome, Ok(head) if !head.close) {
            self.stream = None;
        }
        let head = outcome?;
        if !(200..300).contains(&head.status) {
            let body = self.buffer.get(head.length..).unwrap_or_default();
            bail!("{}: {}", head.status, String::from_utf8_lossy(body));
        }
        self.buffer.clear();
        Ok(())
    }
}

/// Read one answer into `buffer` (head then body); returns its head.
async fn read_answer(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> anyhow::Result<Head> {
    let head = loop {
        if fill(stream, buffer).await? == 0 {
            if buffer.is_empty() {
                bail!("the server closed the connection");
            }
            bail!("the server closed the connection inside an answer's head");
        }
        if let Some(head) = parse_head(buffer)? {
            break head;
        }
    };
    match head.framing {
        Framing::Length(body) => {
            while buffer.len() < head.length + body {
                if fill(stream, buffer).await? == 0 {
                    bail!("the server closed the connection inside an answer's body");
                }
            }
        }
        Framing::Chunked => {
            let mut at = head.length;
            loop {
                match httparse::parse_chunk_size(buffer.get(at..).unwrap_or_default()) {
                    Ok(httparse::Status::Complete((size_len, 0))) => {
                        // The last chunk: wait for the final CRLF (no trailers expected).
                        while buffer.len() < at + size_len + 2 {
                            if fill(stream, buffer).await? == 0 {
                                bail!("the server closed the connection inside a chunked body");
                            }
                        }
                        break;
                    }
                    Ok(httparse::Status::Complete((size_len, size))) => {
                        let size = usize::try_from(size).context("chunk too large")?;
                        let next = at + size_len + size + 2;
                        while buffer.len() < next {
                            if fill(stream, buffer).await? == 0 {
                                bail!("the server closed the connection inside a chunked body");
                            }
                        }
                        at = next;
                    }
                    Ok(httparse::Status::Partial) => {
                        if fill(stream, buffer).await? == 0 {
                            bail!("the server closed the connection inside a chunked body");
                        }
                    }
                    Err(_) => bail!("the server sent a malformed chunked body"),
                }
            }
        }
        Framing::UntilClose => while fill(stream, buffer).await? != 0 {},
    }
    Ok(head)
}

/// Append what the socket has to `buffer`; 0 means the server closed the connection.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> anyhow::Result<usize> {
    let start = buffer.len();
    buffer.resize(start + READ_CHUNK, 0);
    let read = stream
        .read(buffer.get_mut(start..).unwrap_or_default())
        .await;
    buffer.truncate(start + *read.as_ref().unwrap_or(&0));
    Ok(read?)
}

/// Parse an answer's head once it is complete.
fn parse_head(buffer: &[u8]) -> anyhow::Result<Option<Head>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(length) = response
        .parse(buffer)
        .context("the server sent a malformed answer")?
    else {
        return Ok(None);
    };
    let status = response.code.context("an answer without a status")?;
    let mut framing = Framing::UntilClose;
    let mut close = response.version == Some(0);
    for header in response.headers.iter() {
        if header.name.eq_ignore_ascii_case("content-length") {
            let value = std::str::from_utf8(header.value).unwrap_or_default();
            framing = Framing::Length(value.trim().parse().context("a bad Content-Length")?);
        } else if header.name.eq_ignore_ascii_case("transfer-encoding")
            && header.value.eq_ignore_ascii_case(b"chunked")
        {
            framing = Framing::Chunked;
        } else if header.name.eq_ignore_ascii_case("connection") {
            close = header.value.eq_ignore_ascii_case(b"close");
        }
    }
    if matches!(framing, Framing::UntilClose) {
        close = true;
    }
    Ok(Some(Head {
        status,
        length,
        framing,
        close,
    }))
}

#[cfg(test)]
mod tests;
