{
  "targets": [
    {
      "target_name": "latent_lab_blas",
      "sources": [
        "kernels.c"
      ],
      "libraries": [
        "-lopenblas"
      ],
      "cflags": [
        "-O3",
        "-std=c11",
        "-fno-math-errno",
        "-pthread"
      ],
      "ldflags": [
        "-pthread"
      ]
    }
  ]
}
