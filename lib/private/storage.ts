/**
 * The tuner's storage: the results table and the checkpoint bucket it creates when none is
 * passed in, and the warnings about storage props that then have nothing to apply to.
 */
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { HyperparameterTunerProps } from '../tuner-props';

/** The removal policy of the table and the bucket the construct creates. */
function removalPolicyOf(props: HyperparameterTunerProps): RemovalPolicy {
  return props.removalPolicy ?? RemovalPolicy.RETAIN;
}

/** Warn about `encryptionKey` and `removalPolicy` when both the table and the bucket were passed in. */
export function warnAboutUnusedStorageProps(scope: Construct, props: HyperparameterTunerProps): void {
  if (props.encryptionKey && props.resultsTable && props.bucket) {
    Annotations.of(scope).addWarningV2(
      '@hpo-tuner:unusedEncryptionKey',
      'encryptionKey is not used: it only encrypts the table and bucket the construct creates, and both were passed in',
    );
  }
  if (props.removalPolicy !== undefined && props.resultsTable && props.bucket) {
    Annotations.of(scope).addWarningV2(
      '@hpo-tuner:unusedRemovalPolicy',
      'removalPolicy is not used: it only applies to the table and bucket the construct creates, and both were passed in',
    );
  }
}

/** The results table (`ResultsTable`): runs, trials and training jobs, with the index `gsi1`. */
export function createResultsTable(scope: Construct, props: HyperparameterTunerProps): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'ResultsTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
    encryptionKey: props.encryptionKey,
    removalPolicy: removalPolicyOf(props),
  });
  // Per-run leaderboard and run listing.
  table.addGlobalSecondaryIndex({
    indexName: 'gsi1',
    partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  });
  return table;
}

/** The bucket (`Bucket`) for checkpoints and training outputs. */
export function createBucket(scope: Construct, props: HyperparameterTunerProps): s3.Bucket {
  const retention = props.checkpointRetention ?? Duration.days(90);
  return new s3.Bucket(scope, 'Bucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: props.encryptionKey ? true : undefined,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Versioned: checkpoints are overwritten in place at every rung; versions protect a
    // paused trial's checkpoint against an accidental overwrite or delete. Noncurrent
    // versions expire, so the cost stays bounded.
    versioned: true,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'hpo-tuner/' : undefined,
    lifecycleRules: [
      { id: 'ExpireCheckpoints', prefix: 'checkpoints/', expiration: retention },
      { id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: retention },
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ],
    removalPolicy: removalPolicyOf(props),
  });
}
