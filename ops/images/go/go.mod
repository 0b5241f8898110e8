module ocm-lab.local/images

go 1.25
