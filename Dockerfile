# syntax=docker/dockerfile:1
# The courses binary in a small image: build stage compiles it with the one build command
# (`bun run build`, scripts/build.ts); the final stage is distroless (glibc, CA certificates, no
# shell), non-root. See docs/BUILD_README.md.
#
#   docker build -t courses \
#     --build-arg VERSION=$(bun -p 'require("./package.json").version') \
#     --build-arg REVISION=$(git rev-parse --short=12 HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) .
ARG BUN_VERSION=1.4.4

FROM oven/bun:${BUN_VERSION} AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml tsconfig.json ./
# Our patches of dependencies (package.json "patchedDependencies"), applied by the install.
COPY patches ./patches
RUN bun install --frozen-lockfile --production
COPY scripts/build.ts ./scripts/build.ts
COPY lib ./lib
COPY src ./src
# No .git in the context (.dockerignore): the revision comes in as a build argument.
ARG REVISION=unknown
RUN COURSES_BUILD_REVISION="${REVISION}" bun run build

# The binary needs glibc only (ldd: libc, libm, libpthread, libdl); distroless/cc has it, CA
# certificates, /etc/passwd with nonroot (65532) and /tmp. The test suite runs the binary in a root
# filesystem holding only these (test/e2e/binary.test.ts).
FROM gcr.io/distroless/cc-debian12:nonroot
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="courses" \
      org.opencontainers.image.description="Courses microservice: HTTP API, outbox relay and enrollment consumer in one binary" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="UNLICENSED"
COPY --from=build /src/dist/courses /courses
# Production settings only; addresses and secrets come from COURSES_* variables per deployment.
COPY config/production.yaml /config/production.yaml
ENV COURSES_CONFIG_FILES=/config/production.yaml
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["/courses", "healthcheck"]
ENTRYPOINT ["/courses"]
CMD ["serve"]
