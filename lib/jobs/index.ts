export { type Caller, systemCaller, anonymousCaller, callerFor, canChange, canSee, queueKeyOf } from "./caller";
export { createJob, type CreateJobInput } from "./create-job";
export { getChangeableJobOrThrow, getJobOrThrow, listJobLogs } from "./get-job";
export { ownerCaller } from "./owner-caller";
export { listJobs, listableJobs } from "./list-jobs";
export { cancelJob } from "./cancel-job";
export { setJobStatus, finishedStatuses } from "./set-job-status";
export { reportProgress } from "./report-progress";
export { appendJobLog } from "./append-job-log";
