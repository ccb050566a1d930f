/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction;
 * PRAGMA user_version records the last one applied. Append new entries only:
 * never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE datasets (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        root         TEXT NOT NULL UNIQUE,          -- absolute folder path
        size         INTEGER NOT NULL,              -- images are stored size x size
        channels     INTEGER NOT NULL CHECK (channels IN (1, 3)),
        fit          TEXT NOT NULL CHECK (fit IN ('cover', 'contain')),
        seed         INTEGER NOT NULL DEFAULT 0,    -- seeds the train/val split
        val_fraction REAL NOT NULL DEFAULT 0.1,
        attributes   TEXT NOT NULL DEFAULT '[]',    -- JSON array of attribute names
        created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),
        updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ'))
      );

      CREATE TABLE items (
        id          INTEGER PRIMARY KEY,
        dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        path        TEXT NOT NULL,                  -- relative to the dataset root, '/' separated
        label       TEXT,                           -- first-level folder name; NULL in the root
        attributes  TEXT,                           -- JSON object {name: 0|1}; NULL when no row matched
        split       TEXT NOT NULL CHECK (split IN ('train', 'val')),
        hash        TEXT NOT NULL,                  -- content hash of the source file
        width       INTEGER NOT NULL,               -- original size
        height      INTEGER NOT NULL,
        cache_index INTEGER NOT NULL,               -- record number in the pixel cache
        status      TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing')),
        UNIQUE (dataset_id, path),
        UNIQUE (dataset_id, cache_index)
      );
      CREATE INDEX items_dataset_split ON items (dataset_id, split, status);

      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name        TEXT,
        model       TEXT NOT NULL,
        config      TEXT NOT NULL,                  -- JSON of every training option
        status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'stopped', 'completed', 'failed', 'interrupted')),
        backend     TEXT,
        pid         INTEGER,                        -- trainer process while running
        epochs_done INTEGER NOT NULL DEFAULT 0,
        seconds     REAL NOT NULL DEFAULT 0,        -- training time over all sessions
        error       TEXT,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ'))
      );
      CREATE INDEX runs_dataset ON runs (dataset_id);

      CREATE TABLE metrics (
        run_id             INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch              INTEGER NOT NULL,
        train_loss         REAL NOT NULL,
        val_loss           REAL,
        val_mse            REAL,
        val_kl             REAL,
        samples_per_second REAL,
        seconds            REAL,
        PRIMARY KEY (run_id, epoch)
      );

      -- tfjs model artifacts, one row per named part (encoder, decoder, optimizer...)
      CREATE TABLE weights (
        run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        part         TEXT NOT NULL,
        epoch        INTEGER NOT NULL,
        topology     TEXT,                          -- JSON model topology
        weight_specs TEXT NOT NULL,                 -- JSON array of tfjs WeightsManifestEntry
        data         BLOB NOT NULL,
        PRIMARY KEY (run_id, part)
      );

      -- one code per item per run; float32 little-endian blobs
      CREATE TABLE embeddings (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        code    BLOB NOT NULL,                      -- the code (the mean for VAEs)
        logvar  BLOB,                               -- VAEs only
        PRIMARY KEY (run_id, item_id)
      );

      CREATE TABLE scores (
        run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        recon_error REAL NOT NULL,                  -- per-pixel MSE on [0,1] pixels
        neg_elbo    REAL,                           -- VAEs only
        PRIMARY KEY (run_id, item_id)
      );

      -- 3-D coordinates for every embedded item; item_ids and coords are parallel blobs
      CREATE TABLE projections (
        id         INTEGER PRIMARY KEY,
        run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        method     TEXT NOT NULL,                   -- pca | umap | raw
        params     TEXT NOT NULL,                   -- canonical JSON of the parameters
        item_ids   BLOB NOT NULL,                   -- int32
        coords     BLOB NOT NULL,                   -- float32, 3 per item
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),
        UNIQUE (run_id, method, params)
      );
    `,
  },
  {
    version: 2,
    name: 'faithful imports: several datasets per folder, what each import changed',
    // Rebuilds datasets to drop UNIQUE(root) (one folder may be imported at several sizes) and to add
    // AUTOINCREMENT, so a deleted dataset's id (and its cache file names) is never given to another.
    // migrate() runs migrations with foreign keys off, so dropping the old table cascades nothing,
    // and checks every reference before committing.
    sql: `
      CREATE TABLE datasets_new (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT NOT NULL UNIQUE,
        root         TEXT NOT NULL,                 -- absolute folder path; one folder may have several datasets
        size         INTEGER NOT NULL,
        channels     INTEGER NOT NULL CHECK (channels IN (1, 3)),
        fit          TEXT NOT NULL CHECK (fit IN ('cover', 'contain')),
        background   TEXT NOT NULL DEFAULT 'white', -- what transparency was composited onto: #rrggbb or auto
        seed         INTEGER NOT NULL DEFAULT 0,
        val_fraction REAL NOT NULL DEFAULT 0.1,
        attributes   TEXT NOT NULL DEFAULT '[]',
        created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),
        updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ'))
      );
      -- imports before this version flattened transparency onto black
      INSERT INTO datasets_new (id, name, root, size, channels, fit, background, seed, val_fraction, attributes, created_at, updated_at)
        SELECT id, name, root, size, channels, fit, '#000000', seed, val_fraction, attributes, created_at, updated_at FROM datasets;
      DROP TABLE datasets;
      ALTER TABLE datasets_new RENAME TO datasets;
      CREATE INDEX datasets_root ON datasets (root);

      -- what the import did to each file; NULL on items imported before this version
      ALTER TABLE items ADD COLUMN format TEXT;        -- the file's format as sharp names it (png, jpeg, svg...)
      ALTER TABLE items ADD COLUMN upscaled INTEGER;   -- 1 when the original was smaller than the stored size
      ALTER TABLE items ADD COLUMN cropped REAL;       -- fraction of the original's area cut away by --fit cover
      ALTER TABLE items ADD COLUMN from_colour INTEGER; -- 1 when colour content was stored as grayscale
      ALTER TABLE items ADD COLUMN matte TEXT;         -- #rrggbb its transparent pixels were composited onto; NULL: opaque
    `,
  },
  {
    version: 3,
    name: 'outlier scores that also catch simple foreign images',
    sql: `
      -- derived from the stored codes, scores and pixels on first use (latent/scores.ts); NULL until then
      ALTER TABLE scores ADD COLUMN complexity_bits      REAL;  -- lossless compressed length of the image
      ALTER TABLE scores ADD COLUMN complexity_corrected REAL;  -- likelihood in bits minus complexity_bits
      ALTER TABLE scores ADD COLUMN latent_density       REAL;  -- Mahalanobis distance of the code under the train codes
      ALTER TABLE scores ADD COLUMN combined             REAL;  -- max of the robust z-scores of complexity_corrected, the likelihood in bits (and, autoencoders, half latent_density's)
    `,
  },
  {
    version: 4,
    name: 'runs.outcome: why training stopped, the best epoch kept, how a VAE used its latent',
    sql: `ALTER TABLE runs ADD COLUMN outcome TEXT; -- JSON (RunOutcome), written when training ends`,
  },
  {
    version: 5,
    name: 'named sets of items',
    sql: `
      -- a researcher's named selection (lasso, search, filter) within one dataset
      CREATE TABLE item_sets (
        id         INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        saved_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')), -- last (re)saved
        UNIQUE (dataset_id, name)
      );

      CREATE TABLE item_set_members (
        set_id  INTEGER NOT NULL REFERENCES item_sets(id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        PRIMARY KEY (set_id, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX item_set_members_item ON item_set_members (item_id);
    `,
  },
  {
    version: 6,
    name: 'image-quality features computed at import; outlier scores derived anew',
    sql: `
      -- the derived scores changed (grey images' PNG length, an autoencoder's likelihood with the run's noise
      -- variance, the combined mix): cleared, they are derived again on first use (latent/scores.ts)
      UPDATE scores SET complexity_bits = NULL, complexity_corrected = NULL, latent_density = NULL, combined = NULL;

      -- luma statistics of the stored pixels (dataset/pixel-features.ts); NULL on items imported before
      -- this version until \`latent-lab quality\` fills them in
      ALTER TABLE items ADD COLUMN luma_std     REAL;  -- standard deviation (0-255)
      ALTER TABLE items ADD COLUMN luma_p01     REAL;  -- 1st percentile
      ALTER TABLE items ADD COLUMN luma_p99     REAL;  -- 99th percentile
      ALTER TABLE items ADD COLUMN luma_entropy REAL;  -- Shannon entropy of the 256-level histogram, bits
      ALTER TABLE items ADD COLUMN sharpness    REAL;  -- log(1 + variance of the 4-neighbour Laplacian)
    `,
  },
  {
    version: 7,
    name: 'combined outlier score with the atypicality of the whole image',
    sql: `
      -- combined: max of the complexity-corrected z-score and a quarter of those of the latent density and of a
      -- Mahalanobis distance over the model's scores and the image's luma statistics (latent/scores.ts);
      -- derived again on first use
      UPDATE scores SET combined = NULL;
    `,
  },
];

export const latestVersion = migrations[migrations.length - 1].version;
