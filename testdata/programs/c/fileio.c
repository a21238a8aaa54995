// fileio writes a file in the preopened directory given as argv[1], reads it
// back, lists the directory, renames and removes the file.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what) {
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: fileio DIR\n");
		return 2;
	}
	char path[4096], path2[4096];
	snprintf(path, sizeof path, "%s/c-fileio.txt", argv[1]);
	snprintf(path2, sizeof path2, "%s/c-fileio-renamed.txt", argv[1]);
	FILE *f = fopen(path, "w");
	if (!f) die("fopen w");
	for (int i = 0; i < 3; i++)
		fprintf(f, "line %d\n", i);
	if (fclose(f)) die("fclose");
	struct stat st;
	if (stat(path, &st)) die("stat");
	printf("size=%lld\n", (long long)st.st_size);
	f = fopen(path, "r");
	if (!f) die("fopen r");
	char buf[128];
	while (fgets(buf, sizeof buf, f))
		printf("read: %s", buf);
	fclose(f);
	if (rename(path, path2)) die("rename");
	DIR *d = opendir(argv[1]);
	if (!d) die("opendir");
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, "c-fileio-renamed.txt") == 0)
			found = 1;
	closedir(d);
	printf("listed=%d\n", found);
	if (unlink(path2)) die("unlink");
	if (access(path2, F_OK) == 0) {
		fprintf(stderr, "file still exists\n");
		return 1;
	}
	printf("done\n");
	return 0;
}
