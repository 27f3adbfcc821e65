# syntax=docker/dockerfile:1
# Multistage build of the single courses binary into a small distroless image.
#   docker build -t courses .
# See docs/BUILD_README.md.

FROM oven/bun:1.4.4 AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml tsconfig.json ./
RUN bun install --frozen-lockfile --production
COPY src ./src
COPY lib ./lib
# --bytecode trades ~12 MB for a faster start (PITFALLS: ~230 ms → ~90 ms to first 200).
RUN bun build --compile --minify --sourcemap --bytecode src/main.ts --outfile /out/courses

# The compiled binary needs glibc and libstdc++ only: distroless/cc is the smallest base with both.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/courses /courses
COPY config/courses.yaml /config/courses.yaml
ENV COURSES_CONFIG_FILES=/config/courses.yaml \
    COURSES_LOG_FORMAT=json
USER nonroot
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD ["/courses", "healthcheck"]
ENTRYPOINT ["/courses"]
CMD ["serve"]
