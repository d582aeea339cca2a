import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStack } from "../tools/harness";
import { toPreviewDocument } from "../tools/preview";
import { checkSnapshot, serializeSnapshot, snapshotPath, writeSnapshot } from "../tools/snapshot";

describe("plan snapshots", () => {
  test.each(["primary", "secondary"])(
    "plans/%s.json is what the program produces",
    async (stack) => {
      const result = checkSnapshot(stack, toPreviewDocument(await planStack(stack)));
      expect(result.report).toBe("");
      expect(result.upToDate).toBe(true);
    },
  );

  test("the same input gives the same bytes", async () => {
    const a = serializeSnapshot(toPreviewDocument(await planStack("secondary")));
    const b = serializeSnapshot(toPreviewDocument(await planStack("secondary")));
    expect(a).toBe(b);
  });

  test("a changed config fails the check with the resources and properties that changed", async () => {
    const changed = toPreviewDocument(
      await planStack("primary", { overrides: ["dataRedundancy=RAGZRS"] }),
    );
    const result = checkSnapshot("primary", changed);
    expect(result.upToDate).toBe(false);
    expect(result.report).toMatch(/storage:StorageAccount\s+training-data-account/);
    expect(result.report).toMatch(/inputs\.sku\.name: "Standard_GZRS" => "Standard_RAGZRS"/);
    // RA-GZRS also needs endpoints to the read-only secondary.
    expect(result.report).toMatch(
      /\+ azure-native:network:PrivateEndpoint\s+training-data-pe-blob-secondary/,
    );
    expect(result.report).toMatch(/--update/);
  });

  test("--update writes a file that --check then accepts", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aml-bcdr-plans-"));
    const doc = toPreviewDocument(await planStack("primary"));
    expect(checkSnapshot("primary", doc, root).upToDate).toBe(false);
    writeSnapshot("primary", doc, root);
    expect(fs.existsSync(snapshotPath("primary", root))).toBe(true);
    expect(checkSnapshot("primary", doc, root).upToDate).toBe(true);
  });
});
