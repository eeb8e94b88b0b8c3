# LocalStack init hook (ready stage; docs/localstack.md): creates template.yaml's DynamoDB tables and SQS queues and
# the key-encryption secret, under the names `./hookline local` gives them when AWS_ENDPOINT_URL points at LocalStack
# (hookline-local-<LogicalId>, hookline-local-key-encryption), so that LocalStack comes up with the stack's state
# before anything else runs: `sam local invoke` with local/localstack/env.json, or the runner, which then reuses them.
# docker-compose.yml mounts it into /etc/localstack/init/ready.d; `./hookline localstack start` places it in the same
# folder under its FILESYSTEM_ROOT. LocalStack runs it inside its own Python (boto3 and PyYAML are there) before it
# prints "Ready.". A table, queue or secret that exists already is kept as it is.
import json
import os
import secrets

import boto3
import yaml
from botocore.exceptions import ClientError
from localstack import config

STACK_NAME = "hookline-local"  # LocalCommand.STACK_NAME
QUEUE_ATTRIBUTES = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
                    "VisibilityTimeout")


class TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation's short forms (!Ref X, !GetAtt X.Arn, ...) as their long forms."""


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Ref" if suffix == "Ref" else "Fn::" + suffix: value}


TemplateLoader.add_multi_constructor("!", _intrinsic)

with open(os.environ.get("HOOKLINE_TEMPLATE", "/hookline/template.yaml"), encoding="utf-8") as template_file:
    template = yaml.load(template_file, Loader=TemplateLoader)
defaults = {name: str(p["Default"]) for name, p in template.get("Parameters", {}).items() if "Default" in p}
resources = template["Resources"]
queue_arns = {}


def resolve(value):
    """Parameter defaults and queue ARNs: the only intrinsics the queues' settings use."""
    if isinstance(value, dict) and list(value) == ["Ref"] and value["Ref"] in defaults:
        return defaults[value["Ref"]]
    if isinstance(value, dict) and list(value) == ["Fn::GetAtt"] and value["Fn::GetAtt"][1] == "Arn":
        return queue_arns[value["Fn::GetAtt"][0]]
    if isinstance(value, (dict, list)):
        raise ValueError(f"hookline-resources.py cannot resolve {value}")
    return str(value)


endpoint = f"http://127.0.0.1:{config.GATEWAY_LISTEN[0].port}"
session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local",
                                region_name=os.environ.get("AWS_REGION", "us-east-1"))
dynamodb = session.client("dynamodb", endpoint_url=endpoint)
sqs = session.client("sqs", endpoint_url=endpoint)
secretsmanager = session.client("secretsmanager", endpoint_url=endpoint)

for logical_id, resource in resources.items():
    if resource["Type"] != "AWS::DynamoDB::Table":
        continue
    table = resource["Properties"]
    name = f"{STACK_NAME}-{logical_id}"
    request = {"TableName": name, "BillingMode": "PAY_PER_REQUEST", "KeySchema": table["KeySchema"],
               "AttributeDefinitions": table["AttributeDefinitions"]}
    if "GlobalSecondaryIndexes" in table:
        request["GlobalSecondaryIndexes"] = [
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
            for index in table["GlobalSecondaryIndexes"]]
    try:
        dynamodb.create_table(**request)
        print(f"hookline: created table {name}")
    except dynamodb.exceptions.ResourceInUseException:
        continue
    ttl = table.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "AttributeName": ttl["AttributeName"], "Enabled": True})

# Dead-letter queues first: the others' RedrivePolicy names their ARN.
queues = [(logical_id, r["Properties"]) for logical_id, r in resources.items() if r["Type"] == "AWS::SQS::Queue"]
for logical_id, queue in sorted(queues, key=lambda q: "RedrivePolicy" in q[1]):
    name = f"{STACK_NAME}-{logical_id}" + (".fifo" if queue.get("FifoQueue") else "")
    attributes = {key: resolve(queue[key]) for key in QUEUE_ATTRIBUTES if key in queue}
    if queue.get("FifoQueue"):
        attributes["FifoQueue"] = "true"
    if "RedrivePolicy" in queue:
        attributes["RedrivePolicy"] = json.dumps({key: resolve(value) for key, value in queue["RedrivePolicy"].items()})
    try:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        print(f"hookline: created queue {name}")
    except ClientError as error:  # QueueNameExists: kept with its settings, which the runner sets again
        if error.response["Error"]["Code"] not in ("QueueAlreadyExists", "QueueNameExists"):
            raise
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    queue_arns[logical_id] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

# The key-encryption keys, as LocalKeyFile.newSecretJson() makes them.
try:
    secretsmanager.create_secret(Name=f"{STACK_NAME}-key-encryption",
                                 SecretString=json.dumps({"current": "v1", "v1": secrets.token_hex(32)}))
    print(f"hookline: created secret {STACK_NAME}-key-encryption")
except secretsmanager.exceptions.ResourceExistsException:
    pass
