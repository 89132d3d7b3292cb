/* Parses the given JSON files N times each with jansson, as the gateway does (json_loadb with
 * JSON_REJECT_DUPLICATES), and prints the time for one round over all files. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); exit(1); }
    fseek(file, 0, SEEK_END);
    *length = (size_t)ftell(file);
    rewind(file);
    char *bytes = malloc(*length);
    if (fread(bytes, 1, *length, file) != *length) { perror(path); exit(1); }
    fclose(file);
    return bytes;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s ROUNDS FILE...\n", argv[0]); return 2; }
    int rounds = atoi(argv[1]), files = argc - 2;
    char *bodies[files];
    size_t lengths[files];
    for (int i = 0; i < files; i++) bodies[i] = read_file(argv[i + 2], &lengths[i]);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < files; i++) {
            json_error_t error;
            json_t *value = json_loadb(bodies[i], lengths[i], JSON_REJECT_DUPLICATES, &error);
            if (!value) { fprintf(stderr, "%s: %s\n", argv[i + 2], error.text); return 1; }
            json_decref(value);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double us = ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / 1e3 / rounds;
    printf("%.1f\n", us);
    return 0;
}
