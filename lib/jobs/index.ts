export { type Caller, systemCaller } from "./caller";
export { createJob, type CreateJobInput } from "./create-job";
export { getJobOrThrow, listJobLogs, canSee } from "./get-job";
export { listJobs, listableJobs } from "./list-jobs";
export { cancelJob } from "./cancel-job";
export { setJobStatus, finishedStatuses } from "./set-job-status";
export { reportProgress } from "./report-progress";
export { appendJobLog } from "./append-job-log";
