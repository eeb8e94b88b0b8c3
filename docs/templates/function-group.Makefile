# sam build (Metadata: BuildMethod: makefile) runs `make build-<LogicalId>` here once per
# function, in a scratch copy of this directory, with ARTIFACTS_DIR set. It only packages
# what the root reactor built: ./hookline sam-build runs `mvn install` first.
#
# Functions listed in WITHOUT_AWS_SDK never build an AWS client: they ship the group's jars
# minus the AWS SDK (target/lambda/lib-without-aws-sdk). `./hookline local --packaged` runs
# every function from exactly this artifact, so a function listed here by mistake fails there.
WITHOUT_AWS_SDK :=

build-%:
	@test -d target/classes -a -d target/lambda/lib || { echo "$(dir $(abspath $(firstword $(MAKEFILE_LIST)))): no reactor build output; run ./hookline build first" >&2; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp -R target/classes/. "$(ARTIFACTS_DIR)/"
	cp target/lambda/$(if $(filter $*,$(WITHOUT_AWS_SDK)),lib-without-aws-sdk,lib)/*.jar "$(ARTIFACTS_DIR)/lib/"
