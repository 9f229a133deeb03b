"""Seed code through a CodeConnections connection: what the platform pushes where, as data (no cdktn, no boto3).

CodeCommit is closed to new customers (the CloudFormation reference for AWS::CodeCommit::Repository: "AWS
CodeCommit is no longer available to new customers":
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codecommit-repository.html), so
catalog.yaml may name a Git provider instead: `git: {provider: codeconnections, connection_arn, owner}`. The connection
lives in the shared services account and is authorized once in the console. CloudFormation cannot create a
repository at GitHub, GitLab or Bitbucket, and no AWS API writes to one except through a service that uses the
connection, so the platform keeps one seed repository per template at the provider (`<owner>/<org>-<template>-seed`,
created empty once by the platform) and the post-step's `seed-code` job pushes each published version's seed to a
branch named after the version, with a CodeBuild project in shared services whose source is that repository through
the connection (CodeBuild's Git credential helper: https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html).
A template learns its seed repository from parameters the compiler sets, and creates a CodeCommit repository only
when `GitProvider` is codecommit.
"""

from __future__ import annotations

# Parameters a catalog template may declare; the compiler sets their defaults (plan/seed.py, base/cfn_template.py).
GIT_PROVIDER_PARAMETER = "GitProvider"
SEED_REPOSITORY_PARAMETER = "SeedRepository"
SEED_BRANCH_PARAMETER = "SeedBranch"
PROVIDERS = ("codecommit", "codeconnections")

# The connection's provider (CodeConnections ProviderType) -> CodeBuild's source type and the host of its repositories
# (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectSource.html). Self-managed hosts are not here:
# their address is the host's, not a public one.
SOURCE_TYPES = {
    "GitHub": ("GITHUB", "https://github.com"),
    "GitLab": ("GITLAB", "https://gitlab.com"),
    "Bitbucket": ("BITBUCKET", "https://bitbucket.org"),
}

# The build: the seed zip (checked against its digest) becomes the only commit of the version's branch of the seed
# repository, which CodeBuild has cloned through the connection; its credential helper lets git push there.
BUILDSPEC = """version: 0.2
env:
  git-credential-helper: yes
phases:
  build:
    commands:
      - aws s3 cp "s3://$SEED_BUCKET/$SEED_KEY" ../seed.zip
      - echo "$SEED_SHA256  ../seed.zip" | sha256sum -c -
      - git checkout --orphan "seed-$SEED_BRANCH"
      - git rm -rq --cached . || true
      - find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
      - unzip -q ../seed.zip -d .
      - git add -A
      - git -c user.name=sagemaker-registry -c user.email=seed@sagemaker-registry.invalid commit -qm "Seed of $SEED_TEMPLATE $SEED_BRANCH"
      - git push --force origin "HEAD:refs/heads/$SEED_BRANCH"
"""


# The CodeBuild image the seed-push project runs (the allow-list of planned stacks holds the project to it):
# https://docs.aws.amazon.com/codebuild/latest/userguide/ec2-compute-images.html
IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0"


def project_name(org: str) -> str:
    """The CodeBuild project in shared services that pushes seed code (at most 255 characters: org names are short)."""
    return f"{org}-seed-push"


def repository(org: str, owner: str, template: str) -> str:
    """The seed repository of a template at the provider, as `<owner>/<name>`."""
    return f"{owner}/{org}-{template}-seed"
