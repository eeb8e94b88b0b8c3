# sam build (Metadata: BuildMethod: makefile) runs `make build-<LogicalId>` here once per
# function, in a scratch copy of this directory, with ARTIFACTS_DIR set. It only packages
# what the root reactor built: ./hookline sam-build runs `mvn install` first.
build-%:
	@test -d target/classes -a -d target/lambda/lib || { echo "$(dir $(abspath $(firstword $(MAKEFILE_LIST)))): no reactor build output; run ./hookline build first" >&2; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp -R target/classes/. "$(ARTIFACTS_DIR)/"
	cp target/lambda/lib/*.jar "$(ARTIFACTS_DIR)/lib/"
