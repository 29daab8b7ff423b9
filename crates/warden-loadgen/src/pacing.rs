//! Waiting until an instant with microsecond precision. Tokio's own timers fire on
//! millisecond ticks, which would add up to a millisecond to every open-loop measurement, so
//! a pacer either sleeps on a timerfd (a kernel high-resolution timer watched by the runtime)
//! or, when the generator busy-polls anyway, yields until the clock says so: in a virtual
//! machine every timer armed and fired is a trip to the hypervisor, which a spinning core
//! can spare.

use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use rustix::time::{
    Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create,
    timerfd_settime,
};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// A precise one-shot timer owned by one task.
pub(crate) enum Pacer {
    /// Sleeps on a timerfd.
    Timer(AsyncFd<OwnedFd>),
    /// Yields to the runtime until the instant has come.
    Spin,
}

impl Pacer {
    /// A pacer that spins (`busy_poll`) or sleeps on a new timer (needs a runtime with I/O).
    pub(crate) fn new(busy_poll: bool) -> anyhow::Result<Self> {
        if busy_poll {
            return Ok(Self::Spin);
        }
        let fd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        #[expect(
            deprecated,
            reason = "the replacement is unsafe; registering an OwnedFd that only this timer \
                      holds and closes is sound"
        )]
        let timer = AsyncFd::with_interest(fd, Interest::READABLE)?;
        Ok(Self::Timer(timer))
    }

    /// Return at `at` (at once when it has passed).
    pub(crate) async fn wait_until(&self, at: Instant) -> anyhow::Result<()> {
        let timer = match self {
            Self::Timer(timer) => timer,
            Self::Spin => {
                while Instant::now() < at {
                    tokio::task::yield_now().await;
                }
                return Ok(());
            }
        };
        let Some(delay) = at
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
        else {
            return Ok(());
        };
        timerfd_settime(
            timer.get_ref(),
            TimerfdTimerFlags::empty(),
            &Itimerspec {
                it_interval: timespec(Duration::ZERO),
                it_value: timespec(delay),
            },
        )?;
        loop {
            let mut ready = timer.readable().await?;
            let mut expirations = [0_u8; 8];
            match ready.try_io(|fd| Ok(rustix::io::read(fd.get_ref(), &mut expirations)?)) {
                Ok(result) => {
                    result?;
                    return Ok(());
                }
                Err(_would_block) => {}
            }
        }
    }
}

fn timespec(duration: Duration) -> Timespec {
    Timespec {
        tv_sec: i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(duration.subsec_nanos()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Pacer;

    #[tokio::test]
    async fn wakes_close_to_the_instant() {
        for busy_poll in [false, true] {
            let pacer = Pacer::new(busy_poll).unwrap();
            for micros in [0, 50, 300, 1500] {
                let at = Instant::now() + Duration::from_micros(micros);
                pacer.wait_until(at).await.unwrap();
                let late = Instant::now().saturating_duration_since(at);
                assert!(Instant::now() >= at);
                // Generous: a shared machine may run something else for a while.
                assert!(late < Duration::from_millis(50), "woke {late:?} late");
            }
        }
    }
}
