// Generated from docs/openapi.json by `bun run gen` (openapi-typescript). Do not edit.
export interface paths {
    "/v1/courses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List courses: filters, search, sort and cursor pagination */
        get: operations["listCourses"];
        put?: never;
        /** Create a draft course */
        post: operations["createCourse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/by-slug/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a course by its slug */
        get: operations["getCourseBySlug"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a course */
        get: operations["getCourse"];
        put?: never;
        post?: never;
        /** Delete a draft or archived course */
        delete: operations["deleteCourse"];
        options?: never;
        head?: never;
        /** Change a course (JSON merge patch) */
        patch: operations["updateCourse"];
        trace?: never;
    };
    "/v1/courses/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Archive a draft or published course */
        post: operations["archiveCourse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{id}/lessons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a lesson (at the end, or at `position`) */
        post: operations["addLesson"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{id}/lessons/order": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Put the lessons in a new order */
        put: operations["reorderLessons"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{id}/lessons/{lessonId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a lesson */
        delete: operations["removeLesson"];
        options?: never;
        head?: never;
        /** Change a lesson's title or duration */
        patch: operations["updateLesson"];
        trace?: never;
    };
    "/v1/courses/{id}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish a draft (needs a summary, a description and a lesson) */
        post: operations["publishCourse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{id}/unarchive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Bring an archived course back as a draft */
        post: operations["unarchiveCourse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Imported from an external catalog */
        CatalogSource: {
            /** @description External catalog name */
            catalog: string;
            /** @description The course's id in that catalog */
            externalId: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "catalog";
            /**
             * Format: uri
             * @description The course's page in that catalog (http or https)
             */
            url: string;
        };
        Course: {
            /**
             * Format: date-time
             * @description When the course was archived
             */
            archivedAt: string | null;
            /**
             * Format: date-time
             * @description When the course was created
             */
            createdAt: string;
            /** @description Markdown */
            description: string;
            enrollmentCount: number;
            /**
             * Format: uuid
             * @description Course id (UUIDv7)
             */
            id: string;
            instructor: components["schemas"]["Instructor"];
            /**
             * @description BCP 47 language tag
             * @example en-US
             */
            language: string;
            /** @description In position order */
            lessons: components["schemas"]["Lesson"][];
            level: components["schemas"]["Level"];
            /** @description null for courses written by hand; the scraper's source, external id and link for imported ones */
            origin: components["schemas"]["Origin"] | null;
            price: components["schemas"]["Price"] | null;
            /**
             * Format: date-time
             * @description When the course was first published
             */
            publishedAt: string | null;
            /** @description Unique, URL-safe; fixed once published */
            slug: string;
            source: components["schemas"]["CourseSource"];
            status: components["schemas"]["Status"];
            summary: string;
            tags: string[];
            title: string;
            /** @description Sum of lesson durations */
            totalDurationMinutes: number;
            /**
             * Format: date-time
             * @description When the course last changed
             */
            updatedAt: string;
            /** @description Increases by one on every change; the ETag is this number */
            version: number;
        };
        CourseCreate: {
            /** @description Markdown */
            description?: string;
            instructor: components["schemas"]["Instructor"];
            /**
             * @description BCP 47 language tag; case is normalised (pt-br → pt-BR)
             * @example en
             */
            language: string;
            level: components["schemas"]["Level"];
            price?: components["schemas"]["Price"] | null;
            /** @description Lowercase letters and digits separated by single hyphens; defaults to one derived from the title */
            slug?: string;
            source?: components["schemas"]["CourseSource"];
            summary?: string;
            /** @description Lowercased, trailing spaces trimmed, duplicates dropped */
            tags?: string[];
            /**
             * @description At least 3 characters besides surrounding whitespace; runs of whitespace become one space
             * @example Intro to Bun
             */
            title: string;
        };
        CourseList: {
            items: components["schemas"]["Course"][];
            /** @description Pass as `cursor` for the next page; null on the last page */
            nextCursor: string | null;
        };
        /** @description JSON merge patch (RFC 7396): absent leaves a field, null clears summary, description, tags or price */
        CoursePatch: {
            description?: string | null;
            instructor?: components["schemas"]["Instructor"];
            /** @description BCP 47 language tag; case is normalised (pt-br → pt-BR) */
            language?: string;
            level?: components["schemas"]["Level"];
            price?: components["schemas"]["Price"] | null;
            slug?: string;
            summary?: string | null;
            /** @description Lowercased, trailing spaces trimmed, duplicates dropped */
            tags?: string[] | null;
            /** @description At least 3 characters besides surrounding whitespace; runs of whitespace become one space */
            title?: string;
        };
        /**
         * @description Sort order of a list: a field, descending with a leading -
         * @enum {string}
         */
        CourseSort: "-createdAt" | "createdAt" | "title" | "-title" | "-publishedAt" | "publishedAt" | "-updatedAt" | "updatedAt";
        /** @description Where the course comes from: written by hand, or imported from an external catalog */
        CourseSource: components["schemas"]["ManualSource"] | components["schemas"]["CatalogSource"];
        FieldError: {
            code?: string;
            /**
             * @description JSON pointer to the offending input
             * @example /title
             */
            field: string;
            message: string;
        };
        Instructor: {
            /** @example inst-42 */
            id: string;
            /** @example Ada Lovelace */
            name: string;
        };
        Lesson: {
            durationMinutes: number;
            /**
             * Format: uuid
             * @description Lesson id (UUIDv7)
             */
            id: string;
            /** @description 0-based place in the course */
            position: number;
            title: string;
        };
        LessonCreate: {
            durationMinutes: number;
            /** @description Where to insert (0-based); defaults to, and past the end means, the end */
            position?: number;
            title: string;
        };
        LessonOrder: {
            /** @description Every lesson id of the course, in the new order; any other set is a 409 */
            lessonIds: string[];
        };
        LessonPatch: {
            durationMinutes?: number;
            title?: string;
        };
        /**
         * @description Who the course is for
         * @enum {string}
         */
        Level: "beginner" | "intermediate" | "advanced";
        /** @description Written by hand */
        ManualSource: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "manual";
        };
        /** @description Where an imported course came from; filter with ?source= */
        Origin: {
            /** @description The item's id there: guid, id or link */
            externalId: string;
            /**
             * Format: uri
             * @description The item's page there
             */
            link: string;
            /** @description Name of the scraper source (or catalog) it came from */
            source: string;
        };
        /** @description Price in minor units; null means free */
        Price: {
            /**
             * @description Integer minor units (cents)
             * @example 4900
             */
            amount: number;
            /**
             * @description ISO 4217 code
             * @example EUR
             */
            currency: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /**
             * @description A stable reason within the type, for clients that branch on it
             * @example outbox_full
             */
            code?: string;
            detail?: string;
            errors?: components["schemas"]["FieldError"][];
            /** @description The request path */
            instance?: string;
            status: number;
            title: string;
            /** @description Quote it when reporting a problem */
            traceId?: string;
            /**
             * @description URI reference naming the kind of problem
             * @example /problems/not-found
             */
            type: string;
        };
        /**
         * @description Lifecycle state: draft → published → archived → draft
         * @enum {string}
         */
        Status: "draft" | "published" | "archived";
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listCourses: {
        parameters: {
            query?: {
                status?: components["schemas"]["Status"];
                tag?: string;
                level?: components["schemas"]["Level"];
                language?: string;
                instructorId?: string;
                source?: string;
                q?: string;
                /** @description Field to sort by; '-' for descending. publishedAt lists published courses only. Default: the cursor's sort, else -createdAt */
                sort?: components["schemas"]["CourseSort"];
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "archivedAt": null,
                     *           "createdAt": "2026-11-02T09:15:00.000Z",
                     *           "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *           "enrollmentCount": 128,
                     *           "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *           "instructor": {
                     *             "id": "inst-42",
                     *             "name": "Ada Lovelace"
                     *           },
                     *           "language": "en-US",
                     *           "lessons": [
                     *             {
                     *               "durationMinutes": 12,
                     *               "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *               "position": 0,
                     *               "title": "Installing Bun"
                     *             },
                     *             {
                     *               "durationMinutes": 25,
                     *               "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *               "position": 1,
                     *               "title": "Your first server"
                     *             }
                     *           ],
                     *           "level": "beginner",
                     *           "origin": null,
                     *           "price": {
                     *             "amount": 4900,
                     *             "currency": "EUR"
                     *           },
                     *           "publishedAt": "2026-11-03T08:00:00.000Z",
                     *           "slug": "intro-to-bun",
                     *           "source": {
                     *             "kind": "manual"
                     *           },
                     *           "status": "published",
                     *           "summary": "Build and ship TypeScript services on Bun.",
                     *           "tags": [
                     *             "bun",
                     *             "typescript"
                     *           ],
                     *           "title": "Intro to Bun",
                     *           "totalDurationMinutes": 37,
                     *           "updatedAt": "2026-11-20T16:40:12.000Z",
                     *           "version": 7
                     *         }
                     *       ],
                     *       "nextCursor": "eyJzIjoiLWNyZWF0ZWRBdCIsInYiOiIyMDI2LTExLTAyVDA5OjE1OjAwLjAwMFoiLCJpZCI6IjAxOTNiOGE0In0"
                     *     }
                     */
                    "application/json": components["schemas"]["CourseList"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key and body replay the first response; the same key with another body is a 409. Kept 24 h. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CourseCreate"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key */
                    "Idempotent-Replayed"?: string;
                    /** @description Path of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is larger than the limit",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 413,
                     *       "title": "Payload too large",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/payload-too-large"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is not JSON",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 415,
                     *       "title": "Unsupported media type",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unsupported-media-type"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCourseBySlug: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETags of copies the client holds: 304 without a body when one is current. */
                "If-None-Match"?: string;
            };
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Not modified: If-None-Match names the current ETag */
            304: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETags of copies the client holds: 304 without a body when one is current. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Not modified: If-None-Match names the current ETag */
            304: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:admin scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CoursePatch"];
                "application/merge-patch+json": components["schemas"]["CoursePatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is larger than the limit",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 413,
                     *       "title": "Payload too large",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/payload-too-large"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is not JSON",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 415,
                     *       "title": "Unsupported media type",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unsupported-media-type"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    archiveCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    addLesson: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LessonCreate"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    /** @description Path of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is larger than the limit",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 413,
                     *       "title": "Payload too large",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/payload-too-large"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is not JSON",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 415,
                     *       "title": "Unsupported media type",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unsupported-media-type"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reorderLessons: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LessonOrder"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is larger than the limit",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 413,
                     *       "title": "Payload too large",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/payload-too-large"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is not JSON",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 415,
                     *       "title": "Unsupported media type",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unsupported-media-type"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    removeLesson: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
                lessonId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateLesson: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
                lessonId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LessonPatch"];
                "application/merge-patch+json": components["schemas"]["LessonPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is larger than the limit",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 413,
                     *       "title": "Payload too large",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/payload-too-large"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The body is not JSON",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 415,
                     *       "title": "Unsupported media type",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unsupported-media-type"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    publishCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
                     *       "errors": [
                     *         {
                     *           "code": "invalid",
                     *           "field": "/title",
                     *           "message": "must be 3 to 200 characters"
                     *         }
                     *       ],
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 400,
                     *       "title": "Invalid argument",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/invalid-argument"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    unarchiveCourse: {
        parameters: {
            query?: never;
            header?: {
                /** @description The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /**
                     * @description The course's version, quoted; send it back in If-Match
                     * @example "3"
                     */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "archivedAt": null,
                     *       "createdAt": "2026-11-02T09:15:00.000Z",
                     *       "description": "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
                     *       "enrollmentCount": 128,
                     *       "id": "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "instructor": {
                     *         "id": "inst-42",
                     *         "name": "Ada Lovelace"
                     *       },
                     *       "language": "en-US",
                     *       "lessons": [
                     *         {
                     *           "durationMinutes": 12,
                     *           "id": "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70",
                     *           "position": 0,
                     *           "title": "Installing Bun"
                     *         },
                     *         {
                     *           "durationMinutes": 25,
                     *           "id": "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71",
                     *           "position": 1,
                     *           "title": "Your first server"
                     *         }
                     *       ],
                     *       "level": "beginner",
                     *       "origin": null,
                     *       "price": {
                     *         "amount": 4900,
                     *         "currency": "EUR"
                     *       },
                     *       "publishedAt": "2026-11-03T08:00:00.000Z",
                     *       "slug": "intro-to-bun",
                     *       "source": {
                     *         "kind": "manual"
                     *       },
                     *       "status": "published",
                     *       "summary": "Build and ship TypeScript services on Bun.",
                     *       "tags": [
                     *         "bun",
                     *         "typescript"
                     *       ],
                     *       "title": "Intro to Bun",
                     *       "totalDurationMinutes": 37,
                     *       "updatedAt": "2026-11-20T16:40:12.000Z",
                     *       "version": 7
                     *     }
                     */
                    "application/json": components["schemas"]["Course"];
                };
            };
            /** @description No valid bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the courses:write scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such course (or lesson) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "No such course (or lesson)",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 404,
                     *       "title": "Not found",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/not-found"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the course's current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "If-Match does not match the course's current ETag",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 412,
                     *       "title": "Precondition failed",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/precondition-failed"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; the body carries only a traceId */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "Unexpected error; the body carries only a traceId",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 500,
                     *       "title": "Internal error",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/internal"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store is unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": "The store is unavailable; retry later",
                     *       "instance": "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
                     *       "status": 503,
                     *       "title": "Service unavailable",
                     *       "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                     *       "type": "/problems/unavailable"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as RFC 9457 problem+json */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
