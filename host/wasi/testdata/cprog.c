// cprog exercises WASI through wasi-libc: arguments, environment, clocks,
// random bytes, files, directories, seeking, stat, renames, links and
// symbolic links. It works in the directory /sandbox, which must hold a
// file "input" with the text "hello from the host\n", and prints what it
// finds; the test compares the output. Built by build.sh.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			printf("FAIL line %d: %s (errno %d %s)\n", __LINE__, \
			       #cond, errno, strerror(errno));           \
			exit(2);                                         \
		}                                                        \
	} while (0)

static int cmp(const void *a, const void *b) {
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
	printf("argc=%d", argc);
	for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
	printf("\nGREETING=%s\n", getenv("GREETING"));

	struct timespec ts, res;
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
	printf("realtime after 2020: %d\n", ts.tv_sec > 1577836800);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
	struct timespec m1, m2;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &m1) == 0);
	struct timespec nap = {0, 2000000};
	CHECK(nanosleep(&nap, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &m2) == 0);
	long long slept = (m2.tv_sec - m1.tv_sec) * 1000000000LL + (m2.tv_nsec - m1.tv_nsec);
	printf("monotonic slept >= 2ms: %d\n", slept >= 2000000);
	CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0);

	unsigned char rnd[32] = {0};
	CHECK(getentropy(rnd, sizeof rnd) == 0);
	int nonzero = 0;
	for (int i = 0; i < 32; i++) nonzero |= rnd[i];
	printf("random: %d\n", nonzero != 0);

	CHECK(chdir("/sandbox") == 0);
	FILE *in = fopen("input", "r");
	CHECK(in != NULL);
	char line[100];
	CHECK(fgets(line, sizeof line, in) != NULL);
	printf("input: %s", line);
	fclose(in);

	CHECK(mkdir("out", 0755) == 0);
	CHECK(mkdir("out", 0755) == -1 && errno == EEXIST);
	int fd = open("out/data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(lseek(fd, 3, SEEK_SET) == 3);
	char buf[16] = {0};
	CHECK(read(fd, buf, 4) == 4);
	printf("read at 3: %s\n", buf);
	CHECK(lseek(fd, -2, SEEK_END) == 8);
	CHECK(lseek(fd, 0, SEEK_CUR) == 8);
	CHECK(pwrite(fd, "AB", 2, 0) == 2);
	memset(buf, 0, sizeof buf);
	CHECK(pread(fd, buf, 10, 0) == 10);
	printf("pread: %s\n", buf);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	CHECK(ftruncate(fd, 4) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("truncated size %lld\n", (long long)st.st_size);
	CHECK(close(fd) == 0);

	CHECK(stat("out", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(rename("out/data", "out/renamed") == 0);
	CHECK(access("out/data", F_OK) == -1 && errno == ENOENT);
	CHECK(link("out/renamed", "out/hard") == 0);
	CHECK(stat("out/hard", &st) == 0);
	printf("nlink %d\n", (int)st.st_nlink);
	CHECK(symlink("renamed", "out/soft") == 0);
	char target[64] = {0};
	CHECK(readlink("out/soft", target, sizeof target - 1) == 7);
	printf("readlink: %s\n", target);
	CHECK(lstat("out/soft", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("out/soft", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4);
	CHECK(mkdir("out/sub", 0755) == 0);

	DIR *d = opendir("out");
	CHECK(d != NULL);
	char *names[16];
	int n = 0;
	struct dirent *ent;
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..")) names[n++] = strdup(ent->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	printf("dir:");
	for (int i = 0; i < n; i++) printf(" %s", names[i]);
	printf("\n");

	CHECK(open("../escape", O_RDONLY) == -1);
	printf("escape errno ENOTCAPABLE: %d\n", errno == ENOTCAPABLE);
	CHECK(open("/etc/passwd", O_RDONLY) == -1);

	CHECK(unlink("out/soft") == 0);
	CHECK(unlink("out/hard") == 0);
	CHECK(unlink("out/renamed") == 0);
	CHECK(rmdir("out") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("out/sub") == 0);
	CHECK(rmdir("out") == 0);
	printf("done\n");
	return argc == 3 ? 7 : 0;
}
