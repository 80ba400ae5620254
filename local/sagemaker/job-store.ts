/**
 * The emulator's training jobs, by name (case-insensitive, as SageMaker's names are), with the
 * service's answers for an unknown and a duplicate name, and ListTrainingJobs' filters, sorting
 * and pagination.
 */
import type { ListTrainingJobsRequest, ListTrainingJobsResponse } from '@aws-sdk/client-sagemaker';
import { ServiceError } from './protocol';
import { summarizeJob, type Job } from './training-job';

export class JobStore {
  private readonly jobs = new Map<string, Job>();

  /** The job, or `undefined`. */
  find(name: string): Job | undefined {
    return this.jobs.get(name.toLowerCase());
  }

  /**
   * The job; an unknown name is a ValidationException "Requested resource not found."
   * (DescribeTrainingJob answers ValidationException, not ResourceNotFound: aws/aws-sdk#165,
   * boto/boto3#2808).
   */
  get(name: string): Job {
    const job = this.find(name);
    if (!job) throw new ServiceError('ValidationException', 'Requested resource not found.');
    return job;
  }

  /** Throws SageMaker's ResourceInUse when a job of this name exists. */
  assertNameFree(name: string): void {
    const existing = this.find(name);
    if (existing) {
      throw new ServiceError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${existing.arn})`,
      );
    }
  }

  add(job: Job): void {
    this.jobs.set(job.name.toLowerCase(), job);
  }

  values(): IterableIterator<Job> {
    return this.jobs.values();
  }

  /** ListTrainingJobs (filters, sorting and pagination; MaxResults applies before StatusEquals). */
  list(request: ListTrainingJobsRequest): ListTrainingJobsResponse {
    const toDate = (t: Date | number | string | undefined): Date | undefined =>
      t === undefined ? undefined : t instanceof Date ? t : typeof t === 'number' ? new Date(t * 1000) : new Date(t);
    const after = toDate(request.CreationTimeAfter);
    const before = toDate(request.CreationTimeBefore);
    const modAfter = toDate(request.LastModifiedTimeAfter);
    const modBefore = toDate(request.LastModifiedTimeBefore);
    const contains = request.NameContains?.toLowerCase();
    let jobs = [...this.jobs.values()].filter(
      (j) =>
        (!contains || j.name.toLowerCase().includes(contains)) &&
        (!after || j.creationTime > after) &&
        (!before || j.creationTime < before) &&
        (!modAfter || j.lastModifiedTime > modAfter) &&
        (!modBefore || j.lastModifiedTime < modBefore) &&
        (!request.WarmPoolStatusEquals || j.warmPool?.status === request.WarmPoolStatusEquals),
    );
    const by = request.SortBy ?? 'CreationTime';
    const key = (j: Job): string | number => (by === 'Name' ? j.name : by === 'Status' ? j.status : j.creationTime.getTime());
    jobs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if ((request.SortOrder ?? 'Ascending') === 'Descending') jobs.reverse();
    const start = request.NextToken ? Number.parseInt(Buffer.from(request.NextToken, 'base64').toString('utf8'), 10) || 0 : 0;
    const size = request.MaxResults ?? 10;
    const page = jobs.slice(start, start + size);
    const more = start + size < jobs.length;
    jobs = request.StatusEquals ? page.filter((j) => j.status === request.StatusEquals) : page;
    return {
      TrainingJobSummaries: jobs.map(summarizeJob),
      ...(more ? { NextToken: Buffer.from(String(start + size)).toString('base64') } : {}),
    };
  }
}
