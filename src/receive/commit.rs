//! The receiver's write path: a bounded queue of decoded requests in front of the
//! case's one writer, and the task that commits them in groups. A request waits
//! here until its records are durable; requests that arrive while a transaction
//! runs go into the next one together (group commit), each answered after it.
//! When the queue is full — by requests or by bytes — a request is refused at
//! once (`Intake::submit` → `Refused`), so a flood costs bounded memory.
//!
//! The writer takes a write turn (`Store::writer`) per group, so a load or an
//! edit of the same process goes between two groups; one source row per protocol
//! and peer (`Writer::begin_received`), ended when the receiver stops.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch, OwnedSemaphorePermit, Semaphore};

use super::decode::Decoded;
use super::ReceiveCounts;
use crate::store::StoreError;
use crate::Store;

/// Requests that may wait for the writer at once.
const QUEUE_REQUESTS: usize = 256;
/// At most this many records go into one transaction (a group may stop short).
const GROUP_RECORDS: u64 = 50_000;

/// Which source a request's records belong to: protocol and peer address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Origin {
    /// `otlp-http` or `otlp-grpc`.
    pub(crate) format: &'static str,
    /// The client's IP address (its port changes with every connection).
    pub(crate) peer: String,
}

/// Why a request was not committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The queue is full: the writer is behind; try again later.
    Behind,
    /// The receiver is stopping.
    Stopping,
    /// The write failed (the message says why).
    Failed(String),
}

struct Job {
    origin: Origin,
    decoded: Decoded,
    done: oneshot::Sender<Result<(), Refused>>,
    /// Its share of the byte budget, given back once committed.
    _bytes: OwnedSemaphorePermit,
}

/// The front of the queue, shared by the HTTP and gRPC handlers.
pub(crate) struct Intake {
    jobs: mpsc::Sender<Job>,
    /// Budget of queued request bytes, in KiB.
    budget: Arc<Semaphore>,
    budget_kib: u32,
    pub(crate) counts: watch::Sender<ReceiveCounts>,
}

impl Intake {
    /// Queues `decoded` (from a body of `body_bytes`) and waits until its records
    /// are committed; refuses at once when the queue is full.
    pub(crate) async fn submit(
        &self,
        origin: Origin,
        decoded: Decoded,
        body_bytes: usize,
    ) -> Result<(), Refused> {
        let kib = u32::try_from(body_bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.budget_kib);
        let bytes = match self.budget.clone().try_acquire_many_owned(kib) {
            Ok(permit) => permit,
            Err(tokio::sync::TryAcquireError::NoPermits) => return Err(Refused::Behind),
            Err(tokio::sync::TryAcquireError::Closed) => return Err(Refused::Stopping),
        };
        let (done, answer) = oneshot::channel();
        let job = Job {
            origin,
            decoded,
            done,
            _bytes: bytes,
        };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => return Err(Refused::Behind),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(Refused::Stopping),
        }
        answer.await.unwrap_or(Err(Refused::Stopping))
    }

    /// Counts one request and how it ended.
    pub(crate) fn count(&self, refused: bool, rejected: u64) {
        self.counts.send_modify(|counts| {
            counts.requests += 1;
            counts.refused += u64::from(refused);
            counts.rejected += rejected;
        });
    }
}

/// The queue and the task that empties it into the case; the task ends (and ends
/// its sources) when `stop` fires, after committing what was queued.
pub(crate) fn start(
    store: Store,
    budget_bytes: usize,
    stop: oneshot::Receiver<()>,
) -> (Arc<Intake>, tokio::task::JoinHandle<Result<(), StoreError>>) {
    let (jobs, queue) = mpsc::channel(QUEUE_REQUESTS);
    let budget_kib = u32::try_from(budget_bytes.div_ceil(1024)).unwrap_or(u32::MAX);
    let (counts, _) = watch::channel(ReceiveCounts::default());
    let intake = Arc::new(Intake {
        jobs,
        budget: Arc::new(Semaphore::new(budget_kib as usize)),
        budget_kib,
        counts,
    });
    let task = tokio::spawn(write_jobs(store, queue, stop, intake.clone()));
    (intake, task)
}

async fn write_jobs(
    store: Store,
    mut queue: mpsc::Receiver<Job>,
    mut stop: oneshot::Receiver<()>,
    intake: Arc<Intake>,
) -> Result<(), StoreError> {
    let mut sources: HashMap<Origin, i64> = HashMap::new();
    let mut stopping = false;
    loop {
        let first = if stopping {
            queue.recv().await
        } else {
            tokio::select! {
                job = queue.recv() => job,
                _ = &mut stop => {
                    stopping = true;
                    // Nothing new is taken; what is queued is still committed.
                    queue.close();
                    continue;
                }
            }
        };
        let Some(first) = first else { break };
        let mut group = vec![first];
        let mut records = group[0].decoded.records();
        while records < GROUP_RECORDS {
            match queue.try_recv() {
                Ok(job) => {
                    records += job.decoded.records();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        commit_group(&store, &mut sources, group, &intake).await;
    }
    if !sources.is_empty() {
        let mut writer = store.writer().await?;
        writer.end_received(sources.into_values().collect()).await?;
    }
    Ok(())
}

/// Commits a group, one transaction per source in it, and answers each request.
async fn commit_group(
    store: &Store,
    sources: &mut HashMap<Origin, i64>,
    group: Vec<Job>,
    intake: &Intake,
) {
    let mut by_origin: Vec<(Origin, Vec<Job>)> = Vec::new();
    for job in group {
        match by_origin
            .iter_mut()
            .find(|(origin, _)| *origin == job.origin)
        {
            Some((_, jobs)) => jobs.push(job),
            None => by_origin.push((job.origin.clone(), vec![job])),
        }
    }
    let mut writer = match store.writer().await {
        Ok(writer) => writer,
        Err(error) => {
            let refused = Refused::Failed(error.to_string());
            for job in by_origin.into_iter().flat_map(|(_, jobs)| jobs) {
                let _ = job.done.send(Err(refused.clone()));
            }
            return;
        }
    };
    for (origin, jobs) in by_origin {
        let (mut spans, mut logs, mut problems) = (Vec::new(), Vec::new(), Vec::new());
        let mut answers = Vec::with_capacity(jobs.len());
        for job in jobs {
            spans.extend(job.decoded.spans);
            logs.extend(job.decoded.logs);
            problems.extend(job.decoded.problems);
            answers.push(job.done);
        }
        let (n_spans, n_logs) = (spans.len() as u64, logs.len() as u64);
        let source_id = match sources.get(&origin) {
            Some(id) => Ok(*id),
            None => writer
                .begin_received(origin.format, &origin.peer)
                .await
                .inspect(|id| {
                    sources.insert(origin.clone(), *id);
                }),
        };
        let written = match source_id {
            Ok(source_id) => {
                writer
                    .append_received(source_id, spans, logs, problems)
                    .await
            }
            Err(error) => Err(error),
        };
        let answer = match written {
            Ok(()) => {
                intake.counts.send_modify(|counts| {
                    counts.spans += n_spans;
                    counts.logs += n_logs;
                });
                Ok(())
            }
            Err(error) => Err(Refused::Failed(error.to_string())),
        };
        for done in answers {
            let _ = done.send(answer.clone());
        }
    }
}
