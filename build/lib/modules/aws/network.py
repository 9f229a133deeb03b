"""The team account's private VPC: two subnets in two zones, and in vpc_only environments the endpoints Studio needs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from cdktn_provider_aws.default_security_group import DefaultSecurityGroup
from cdktn_provider_aws.route_table import RouteTable
from cdktn_provider_aws.route_table_association import RouteTableAssociation
from cdktn_provider_aws.security_group import SecurityGroup, SecurityGroupEgress, SecurityGroupIngress
from cdktn_provider_aws.subnet import Subnet
from cdktn_provider_aws.vpc import Vpc
from cdktn_provider_aws.vpc_endpoint import VpcEndpoint

from .base import PlatformStack, for_each
from .refs import each, instance, ref

# Interface endpoints a VPC-only Studio domain needs to reach SageMaker and what its jobs use, with no
# internet path (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html).
INTERFACE_ENDPOINTS = (
    "sagemaker.api",
    "sagemaker.runtime",
    "sagemaker.featurestore-runtime",
    "servicecatalog",
    "sts",
    "logs",
    "ecr.api",
    "ecr.dkr",
    "kms",
)

# CodeArtifact from a VPC: the API endpoint (tokens) and the repositories endpoint (pip), both with private DNS so
# the repository's usual host name resolves inside the VPC; packages come from S3 through the gateway endpoint
# (https://docs.aws.amazon.com/codeartifact/latest/ug/create-vpc-endpoints.html,
# https://docs.aws.amazon.com/codeartifact/latest/ug/create-s3-gateway-endpoint.html).
LIBRARY_ENDPOINTS = ("codeartifact.api", "codeartifact.repositories")

# The two zones the subnets use, named rather than looked up so the set never changes under a stack;
# every commercial region has zones a and b (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
ZONES = ("a", "b")


@dataclass(frozen=True)
class Network:
    vpc_id: str
    subnet_ids: list[str]
    security_group_id: str


def subnet_cidrs(vpc_cidr: str) -> list[str]:
    """The VPC split in two halves, one per availability zone."""
    return [str(n) for n in ipaddress.IPv4Network(vpc_cidr).subnets(prefixlen_diff=1)]


def build_network(
    scope: PlatformStack,
    *,
    name: str,
    vpc_cidr: str,
    vpc_only: bool,
    region: str,
    endpoints: bool = True,
    extra_endpoints: tuple[str, ...] = (),
) -> Network:
    Vpc(scope, "vpc", cidr_block=vpc_cidr, enable_dns_support=True, enable_dns_hostnames=True, tags={"Name": name})
    # No rules: nothing may use the default security group.
    vpc_id = ref("aws_vpc", "vpc", "id")
    DefaultSecurityGroup(scope, "default-sg", vpc_id=vpc_id, tags={"Name": f"{name}-default-unused"})
    RouteTable(scope, "private-routes", vpc_id=vpc_id, tags={"Name": f"{name}-private"})
    route_table_id = ref("aws_route_table", "private-routes", "id")
    subnets = []
    for i, cidr in enumerate(subnet_cidrs(vpc_cidr)):
        Subnet(
            scope,
            f"private-{i}",
            vpc_id=vpc_id,
            cidr_block=cidr,
            availability_zone=f"{region}{ZONES[i]}",
            map_public_ip_on_launch=False,
            tags={"Name": f"{name}-private-{i}"},
        )
        subnet_id = ref("aws_subnet", f"private-{i}", "id")
        RouteTableAssociation(scope, f"private-{i}-routes", subnet_id=subnet_id, route_table_id=route_table_id)
        subnets.append(subnet_id)

    SecurityGroup(
        scope,
        "studio-sg",
        name=f"{name}-studio",
        vpc_id=vpc_id,
        description="SageMaker Studio apps and jobs: traffic among themselves and to the VPC endpoints",
        ingress=[
            SecurityGroupIngress(
                description="Studio apps, EFS and jobs among themselves", protocol="-1", from_port=0, to_port=0, self_attribute=True
            )
        ],
        egress=[
            SecurityGroupEgress(
                description="To the VPC only (endpoints, EFS)", protocol="-1", from_port=0, to_port=0, cidr_blocks=[vpc_cidr]
            ),
            # Traffic through the S3 gateway endpoint leaves for S3's public addresses, which the endpoint's
            # prefix list names (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#vpc-endpoints-policies-s3).
            *(
                [
                    SecurityGroupEgress(
                        description="HTTPS to S3 through the gateway endpoint",
                        protocol="tcp",
                        from_port=443,
                        to_port=443,
                        prefix_list_ids=[ref("aws_vpc_endpoint", "endpoint-s3", "prefix_list_id")],
                    )
                ]
                if vpc_only
                else []
            ),
        ],
        tags={"Name": f"{name}-studio"},
    )
    if vpc_only:
        if endpoints:  # interface endpoints cost money; the S3 gateway endpoint is free
            SecurityGroup(
                scope,
                "endpoints-sg",
                name=f"{name}-endpoints",
                vpc_id=vpc_id,
                description="Interface endpoints: HTTPS from inside the VPC",
                ingress=[
                    SecurityGroupIngress(
                        description="HTTPS from the VPC", protocol="tcp", from_port=443, to_port=443, cidr_blocks=[vpc_cidr]
                    )
                ],
                egress=[
                    SecurityGroupEgress(description="Replies within the VPC", protocol="-1", from_port=0, to_port=0, cidr_blocks=[vpc_cidr])
                ],
                tags={"Name": f"{name}-endpoints"},
            )
            # One construct for all interface endpoints, one instance per service (DESIGN.md decision 14); each
            # instance takes over the state of the endpoint that was a construct of its own (`endpoint-<service>`).
            services = (*INTERFACE_ENDPOINTS, *extra_endpoints)
            VpcEndpoint(
                scope,
                "interface-endpoints",
                for_each=for_each({s: {"name": f"{name}-{s}"} for s in services}),
                vpc_id=vpc_id,
                service_name=f"com.amazonaws.{region}.{each()}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=subnets,
                security_group_ids=[ref("aws_security_group", "endpoints-sg", "id")],
                tags={"Name": each("name")},
            )
            scope.moved(
                {
                    f"aws_vpc_endpoint.endpoint-{s.replace('.', '-')}": instance("aws_vpc_endpoint", "interface-endpoints", s)
                    for s in services
                }
            )
        VpcEndpoint(
            scope,
            "endpoint-s3",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[route_table_id],
            tags={"Name": f"{name}-s3"},
        )
    return Network(vpc_id, subnets, ref("aws_security_group", "studio-sg", "id"))
