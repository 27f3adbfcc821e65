import { describe, expect, it } from "bun:test";
import { mongoServer } from "./telemetry.ts";

describe("mongoServer", () => {
  it("names the first host and its port, never the credentials or the options", () => {
    expect(mongoServer("mongodb://app:s3cret@db-1.internal:27018,db-2.internal:27018/courses?replicaSet=rs0")).toEqual({
      address: "db-1.internal",
      port: 27018,
    });
    expect(mongoServer("mongodb+srv://app:p%40ss@cluster0.example.net/?retryWrites=true")).toEqual({
      address: "cluster0.example.net",
    });
    expect(mongoServer("mongodb://127.0.0.1:27017/")).toEqual({ address: "127.0.0.1", port: 27017 });
    expect(mongoServer("mongodb://[::1]:27017")).toEqual({ address: "::1", port: 27017 });
    expect(mongoServer("mongodb://localhost")).toEqual({ address: "localhost" });
  });
});
