#!/usr/bin/env python3
"""Embedding the tuner in your own stack, in Python: the same stack as ../my-ml-stack.ts.

Bring your own training role and results table, let a CI role start runs, and let a
dashboard role read results.

    python3 -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt
    npx cdk synth

The package is the jsii build of the TypeScript construct (``npm run build:python`` makes the
wheel); it runs the same code, and deploys the same Lambda bundles, as the npm package.
"""
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from sagemaker_hpo_tuner import HyperparameterTuner, LogLevel


class MyMlStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The role your training jobs already use (the tuner passes only roles you list).
        training_role = iam.Role(
            self, "TrainingRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        )

        # Optional: your own results table (key schema: pk/sk strings, GSI gsi1 on gsi1pk/gsi1sk).
        results = dynamodb.Table(
            self,
            "Results",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        results.add_global_secondary_index(
            index_name="gsi1",
            partition_key=dynamodb.Attribute(name="gsi1pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="gsi1sk", type=dynamodb.AttributeType.STRING),
        )

        self.tuner = HyperparameterTuner(
            self,
            "Tuner",
            training_roles=[training_role],
            results_table=results,
            poll_interval=cdk.Duration.minutes(2),
            log_level=LogLevel.INFO,
        )

        # Who may start runs, and who may read results.
        ci = iam.Role(self, "CiRole", assumed_by=iam.AccountRootPrincipal())
        self.tuner.grant_start_execution(ci)
        dashboard = iam.Role(self, "DashboardRole", assumed_by=iam.AccountRootPrincipal())
        self.tuner.grant_read_results(dashboard)


app = cdk.App()
MyMlStack(app, "MyMlStack")
app.synth()
