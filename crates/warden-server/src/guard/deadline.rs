//! Deadlines on a connection's reads: the idle keep-alive timeout between requests and the
//! header timeout from a request's first byte to its complete head.
//!
//! hyper's own `header_read_timeout` starts when the connection becomes ready for a request,
//! so it would also cut idle keep-alive connections at the header timeout. This wrapper keeps
//! the two apart: the service marks a request busy when hyper hands it over (the head is
//! complete) and idle again when its answer is ready; the body has its own timeout, applied
//! where it is read.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Where a connection is in its request cycle, shared by its reader and its service.
#[derive(Clone)]
pub(crate) struct Phase(Arc<Mutex<State>>, Arc<Mutex<Option<FirstRequest>>>);

/// Called once, when the connection's first request head is complete.
type FirstRequest = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Phase")
            .field(&self.0)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Waiting for a request since then.
    Idle(Instant),
    /// A request's head started arriving then.
    Head(Instant),
    /// A request is being served (its body and answer have their own limits).
    Busy,
}

impl Phase {
    fn new() -> Self {
        Self(
            Arc::new(Mutex::new(State::Idle(Instant::now()))),
            Arc::new(Mutex::new(None)),
        )
    }

    /// Runs `first_request` when the first request's head is complete.
    pub(crate) fn on_first_request(&self, first_request: impl FnOnce() + Send + 'static) {
        *self.1.lock().unwrap_or_else(PoisonError::into_inner) = Some(Box::new(first_request));
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// hyper has the request's head: the request is being served.
    pub(crate) fn busy(&self) {
        self.with(|state| *state = State::Busy);
        let first = self.1.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(first_request) = first {
            first_request();
        }
    }

    /// The request's answer is ready: the connection waits for the next one.
    pub(crate) fn idle(&self) {
        self.with(|state| *state = State::Idle(Instant::now()));
    }
}

/// An I/O stream whose reads fail with `TimedOut` when the client is idle or slow past its
/// deadline.
pub(crate) struct Deadlines<S> {
    inner: S,
    phase: Phase,
    header_timeout: Duration,
    idle_timeout: Duration,
    timer: Pin<Box<Sleep>>,
}

impl<S> Deadlines<S> {
    /// Wraps `inner`; the returned [`Phase`] is for the connection's service.
    pub(crate) fn new(inner: S, header_timeout: Duration, idle_timeout: Duration) -> (Self, Phase) {
        let phase = Phase::new();
        let deadlines = Self {
            inner,
            phase: phase.clone(),
            header_timeout,
            idle_timeout,
            timer: Box::pin(tokio::time::sleep(idle_timeout)),
        };
        (deadlines, phase)
    }

    /// When the read now pending must have produced something, if ever.
    fn deadline(&self) -> Option<Instant> {
        self.phase.with(|state| match *state {
            State::Idle(since) => Some(since + self.idle_timeout),
            State::Head(since) => Some(since + self.header_timeout),
            State::Busy => None,
        })
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deadlines<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    // The first byte of a request starts its header clock.
                    this.phase.with(|state| {
                        if matches!(state, State::Idle(_)) {
                            *state = State::Head(Instant::now());
                        }
                    });
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => {
                let Some(deadline) = this.deadline() else {
                    return Poll::Pending;
                };
                if this.timer.deadline() != deadline {
                    this.timer.as_mut().reset(deadline);
                }
                match this.timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "client too slow or idle",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deadlines<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    const HEADER: Duration = Duration::from_secs(10);
    const IDLE: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_head_that_never_completes_times_out_at_the_header_timeout() {
        let (mut client, server) = tokio::io::duplex(64);
        let (mut reader, _phase) = Deadlines::new(server, HEADER, IDLE);
        client.write_all(b"POST / HTTP/1.1\r\n").await.unwrap();
        let mut buf = [0; 64];
        assert!(reader.read(&mut buf).await.unwrap() > 0);
        let started = Instant::now();
        let error = reader.read(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), HEADER);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_lasts_the_idle_timeout_and_a_busy_one_has_no_read_deadline() {
        let (_client, server) = tokio::io::duplex(64);
        let (mut reader, phase) = Deadlines::new(server, HEADER, IDLE);
        let mut buf = [0; 64];
        let started = Instant::now();
        let error = reader.read(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), IDLE);

        phase.busy();
        let read = tokio::time::timeout(IDLE * 10, reader.read(&mut buf)).await;
        assert!(read.is_err(), "a busy connection's reads are not cut here");
        phase.idle();
        let started = Instant::now();
        assert!(reader.read(&mut buf).await.is_err());
        assert_eq!(started.elapsed(), IDLE);
    }
}
